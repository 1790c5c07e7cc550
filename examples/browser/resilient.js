// The resilient example client in a page: the same behaviour as examples/clients/resilient.js, with the
// browser's own WebSocket, plus what a page must do about the browser's events:
// - capped exponential backoff with full jitter (seeded from WSCHAOS_SEED and WSCHAOS_INSTANCE), reset
//   once a link stayed up WSCHAOS_STABLE_MS;
// - 4000-4999 closes are fatal (no reconnect);
// - ticks {"type":"tick","n":N} are buffered while disconnected and flushed in order after reconnect; a tick
//   stays unconfirmed until the server echoes it and is sent again if the link died first;
// - data is deduplicated and reordered by seq, acked once delivered in order, resumed with ?lastSeq=N;
// - an application heartbeat {"type":"ping"} every WSCHAOS_HEARTBEAT_MS; nothing heard for
//   WSCHAOS_HEARTBEAT_TIMEOUT_MS means a dead link: drop it (without waiting for a close handshake that
//   will never complete) and reconnect;
// - malformed messages are counted and skipped;
// - browser events: `online` reconnects at once when disconnected; `offline` is logged (the heartbeat decides
//   whether the link is dead); `visibilitychange` (visible) and `resume` (after a freeze) probe the link at
//   once with a ping, giving it a fresh heartbeat timeout, since nothing was heard while the page slept.
// Settings come as query parameters (wschaos passes client.env so), with the Node client's defaults:
// WSCHAOS_BACKOFF_INITIAL_MS (250), WSCHAOS_BACKOFF_CAP_MS (5000), WSCHAOS_STABLE_MS (1000),
// WSCHAOS_HEARTBEAT_MS (500), WSCHAOS_HEARTBEAT_TIMEOUT_MS (1500), WSCHAOS_TICK_MS (100), WSCHAOS_REORDER_MS (1000).
// Unlike the Node client it fetches no token (the browser suite's server requires none).
'use strict';
(() => {
  const params = new URLSearchParams(location.search);
  const base = window.WSCHAOS_URL || params.get('WSCHAOS_URL') || 'ws://127.0.0.1:8080/';
  const num = (name, dflt) => (params.get(name) !== null && params.get(name) !== '' ? Number(params.get(name)) : dflt);
  const INITIAL = num('WSCHAOS_BACKOFF_INITIAL_MS', 250);
  const CAP = num('WSCHAOS_BACKOFF_CAP_MS', 5000);
  const STABLE = num('WSCHAOS_STABLE_MS', 1000);
  const HEARTBEAT = num('WSCHAOS_HEARTBEAT_MS', 500);
  const HB_TIMEOUT = num('WSCHAOS_HEARTBEAT_TIMEOUT_MS', 1500);
  const TICK = num('WSCHAOS_TICK_MS', 100);
  const REORDER = num('WSCHAOS_REORDER_MS', 1000);

  // mulberry32, seeded by scenario seed and instance: the same run draws the same delays
  let rngState = (Number(BigInt.asUintN(32, BigInt(params.get('WSCHAOS_SEED') || '1'))) ^ (num('WSCHAOS_INSTANCE', 1) * 0x9e3779b9)) >>> 0;
  function random() {
    rngState = (rngState + 0x6d2b79f5) >>> 0;
    let t = rngState;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  let ws = null;
  let failures = 0;
  let stableTimer = null;
  let heartbeatTimer = null;
  let reconnectTimer = null;
  let fatal = false;
  let lastSeq = null;
  const pending = new Map();
  let gapSince = null;
  const outbox = [];
  const unconfirmed = new Map();
  let n = 0;
  let pingId = 0;
  let lastHeard = 0;
  let malformed = 0;

  const log = (s) => console.log(s);
  const show = (s) => { document.getElementById('state').textContent = s; };

  function scheduleReconnect() {
    if (fatal || reconnectTimer) return;
    const ceiling = Math.min(CAP, INITIAL * Math.pow(2, failures));
    const delay = Math.floor(random() * ceiling); // full jitter
    failures += 1;
    log('reconnecting in ' + delay + ' ms');
    reconnectTimer = setTimeout(() => { reconnectTimer = null; connect(); }, delay);
  }

  function connect() {
    if (fatal || ws) return;
    const u = new URL(base);
    if (lastSeq !== null) u.searchParams.set('lastSeq', String(lastSeq));
    const sock = new WebSocket(u.toString());
    ws = sock;
    sock.onopen = () => {
      log('open');
      show('open');
      lastHeard = Date.now();
      stableTimer = setTimeout(() => { failures = 0; }, STABLE);
      while (outbox.length && sock.readyState === WebSocket.OPEN) sendTick(sock, outbox.shift());
      heartbeatTimer = setInterval(() => {
        if (Date.now() - lastHeard > HB_TIMEOUT) {
          log('heartbeat timeout: dead link');
          drop(sock, 'dead link');
          return;
        }
        ping(sock);
      }, HEARTBEAT);
    };
    sock.onmessage = (e) => {
      lastHeard = Date.now();
      let msg;
      try {
        msg = JSON.parse(e.data);
      } catch (err) {
        malformed += 1;
        log('skipped a malformed message (' + malformed + ')');
        return;
      }
      if (msg && msg.type === 'data' && Number.isInteger(msg.seq)) onData(sock, msg.seq);
      if (msg && msg.type === 'tick') unconfirmed.delete(msg.n);
    };
    sock.onerror = () => log('error');
    sock.onclose = (e) => ended(sock, e.code);
  }

  function ping(sock) {
    pingId += 1;
    if (sock.readyState === WebSocket.OPEN) sock.send(JSON.stringify({ type: 'ping', id: pingId }));
  }

  // A dead link: close it (the close frame may never be answered) and go on at once without it.
  function drop(sock, why) {
    sock.onclose = null;
    sock.onmessage = null;
    try { sock.close(4000, why); } catch (e) { /* already closing */ }
    ended(sock, 1006);
  }

  function ended(sock, code) {
    clearTimeout(stableTimer);
    clearInterval(heartbeatTimer);
    if (ws !== sock) return;
    ws = null;
    outbox.unshift(...unconfirmed.values());
    unconfirmed.clear();
    log('close ' + code);
    show('closed ' + code);
    if (code >= 4000 && code <= 4999 && code !== 4001) {
      fatal = true;
      log('fatal close ' + code + ': not reconnecting');
      return;
    }
    scheduleReconnect();
  }

  function sendTick(sock, text) {
    sock.send(text);
    if (unconfirmed.size < 10000) unconfirmed.set(JSON.parse(text).n, text);
  }

  function onData(sock, seq) {
    if (lastSeq === null) lastSeq = seq - 1;
    if (seq <= lastSeq || pending.has(seq)) return;
    pending.set(seq, true);
    deliver(sock);
  }

  function ack(sock, seq) {
    if (sock.readyState === WebSocket.OPEN) sock.send(JSON.stringify({ type: 'ack', seq }));
  }

  function deliver(sock) {
    while (pending.has(lastSeq + 1)) {
      pending.delete(lastSeq + 1);
      lastSeq += 1;
      ack(sock, lastSeq);
    }
    gapSince = pending.size ? gapSince || Date.now() : null;
  }

  setInterval(() => {
    if (gapSince && Date.now() - gapSince > REORDER && pending.size && ws) {
      lastSeq = Math.min(...pending.keys()) - 1;
      gapSince = null;
      deliver(ws);
    }
  }, 100);

  if (TICK > 0) {
    setInterval(() => {
      if (fatal) return;
      n += 1;
      const text = JSON.stringify({ type: 'tick', n });
      if (ws && ws.readyState === WebSocket.OPEN && outbox.length === 0) sendTick(ws, text);
      else if (outbox.length < 10000) outbox.push(text);
    }, TICK);
  }

  // ---- the browser's events ----
  function probe(why) {
    if (ws && ws.readyState === WebSocket.OPEN) {
      log(why + ': probing the link');
      lastHeard = Date.now(); // nothing could be heard while the page slept: a fresh timeout from now
      ping(ws);
    } else if (!ws && !fatal) {
      log(why + ': reconnecting now');
      clearTimeout(reconnectTimer);
      reconnectTimer = null;
      connect();
    }
  }
  window.addEventListener('offline', () => log('offline (navigator.onLine ' + navigator.onLine + ')'));
  window.addEventListener('online', () => probe('online'));
  document.addEventListener('visibilitychange', () => {
    log('visibility ' + document.visibilityState);
    if (document.visibilityState === 'visible') probe('visible again');
  });
  document.addEventListener('freeze', () => log('freeze'));
  document.addEventListener('resume', () => probe('resumed'));

  connect();
})();
