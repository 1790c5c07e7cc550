#!/usr/bin/env node
// A client that gets WebSocket recovery right against the builtin feed server (docs/feed-protocol.md):
// - capped exponential backoff with full jitter (seeded from WSCHAOS_SEED, so a run replays), reset once
//   a link stayed up WSCHAOS_STABLE_MS;
// - 4003 (and 4000-4999 other than 4001) is fatal: no reconnect; after 4001 it fetches a new token first;
// - ticks {"type":"tick","n":N} are buffered while disconnected and flushed in order after reconnect; a
//   tick sent stays unconfirmed until the server echoes it, and is sent again after a reconnect if the
//   link died first (a send into a dying socket is lost without an error);
// - data is deduplicated and reordered by seq, acked once delivered in order, and resumed with ?lastSeq=N;
// - an application heartbeat {"type":"ping"} every WSCHAOS_HEARTBEAT_MS; nothing heard for
//   WSCHAOS_HEARTBEAT_TIMEOUT_MS means a dead link: terminate and reconnect;
// - malformed messages are counted and skipped.
// WSCHAOS_FLAW (unset here) switches on exactly one deliberate flaw: examples/clients/mutants/ are one-line
// launchers that set it, and the mutant zoo (docs/example-suite.md) checks that the example suite catches each.
// Environment (CI-scale defaults): WSCHAOS_BACKOFF_INITIAL_MS (250), WSCHAOS_BACKOFF_CAP_MS (5000),
// WSCHAOS_STABLE_MS (1000), WSCHAOS_HEARTBEAT_MS (500), WSCHAOS_HEARTBEAT_TIMEOUT_MS (1500),
// WSCHAOS_TICK_MS (100; 0 = no ticks), WSCHAOS_TOKEN_TTL (60s), WSCHAOS_REORDER_MS (1000),
// WSCHAOS_ACK_DELAY_MS (0: ack at once; a late but correct client acks later).
const WebSocket = require('ws');
const http = require('http');
const https = require('https'); // the token comes over TLS when WSCHAOS_URL is wss://

const base = new URL(process.env.WSCHAOS_URL || 'ws://127.0.0.1:8080/');
const num = (name, dflt) => (process.env[name] !== undefined && process.env[name] !== '' ? Number(process.env[name]) : dflt);
const INITIAL = num('WSCHAOS_BACKOFF_INITIAL_MS', 250);
const CAP = num('WSCHAOS_BACKOFF_CAP_MS', 5000);
const STABLE = num('WSCHAOS_STABLE_MS', 1000);
const HEARTBEAT = num('WSCHAOS_HEARTBEAT_MS', 500);
const HB_TIMEOUT = num('WSCHAOS_HEARTBEAT_TIMEOUT_MS', 1500);
const TICK = num('WSCHAOS_TICK_MS', 100);
const TOKEN_TTL = process.env.WSCHAOS_TOKEN_TTL || '60s';
const REORDER = num('WSCHAOS_REORDER_MS', 1000);
const ACK_DELAY = num('WSCHAOS_ACK_DELAY_MS', 0);

// One flaw at a time, by name; an unknown name is an error, so a typo cannot make a mutant a correct client.
const FLAWS = {
  'no-jitter': 'waits the full exponential delay: no jitter',
  'no-cap': 'lets the backoff grow without a cap',
  'no-reset': 'never resets its backoff after a stable link',
  'constant-delay': 'retries every 2 x WSCHAOS_BACKOFF_INITIAL_MS, no backoff',
  'hot-loop': 'retries at once, no delay at all',
  'gives-up': 'stops retrying after 3 failed attempts in a row',
  'retry-fatal': 'reconnects after a fatal 4xxx close like after any other',
  'retry-fatal-late': 'reconnects 3.5 s after a fatal 4xxx close',
  'drop-offline': 'drops the ticks it makes while disconnected instead of buffering them',
  'ack-some': 'never acks a seq divisible by 5',
  'one-never-acks': 'instance 2 (WSCHAOS_INSTANCE) never acks',
  'no-reorder': 'acks data in arrival order: deduplicates but does not reorder',
  'no-resume': 'reconnects without ?lastSeq',
  'no-heartbeat': 'sends no heartbeat (still notices silence)',
  'no-dead-link-check': 'sends heartbeats but never acts on silence',
  'heartbeat-once': 'runs its heartbeat on the first link only',
  'handler-dies': 'its message handler stops for good at the first malformed message (timers keep ticking)',
  'stale-token': 'reconnects after 4001 with the expired token instead of fetching a new one',
  'token-first-only': 'puts the token on its first attempt only',
  'no-close-reply': 'drops the TCP connection instead of answering a close frame',
  'stops-after-abort': 'never reconnects after a link dies without a close frame (1006)',
};
const FLAW = process.env.WSCHAOS_FLAW || '';
if (FLAW && !FLAWS[FLAW]) {
  console.error('unknown WSCHAOS_FLAW ' + JSON.stringify(FLAW) + '; known: ' + Object.keys(FLAWS).join(', '));
  process.exit(2);
}
const flaw = (name) => FLAW === name;

// mulberry32, seeded by scenario seed and instance: the same run draws the same delays
let rngState = (Number(BigInt.asUintN(32, BigInt(process.env.WSCHAOS_SEED || '1'))) ^ (num('WSCHAOS_INSTANCE', 1) * 0x9e3779b9)) >>> 0;
function random() {
  rngState = (rngState + 0x6d2b79f5) >>> 0;
  let t = rngState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

let ws = null;
let failures = 0;           // attempts since the last stable link
let stableTimer = null;
let heartbeatTimer = null;
let reconnectTimer = null;
let fatal = false;
let token = null;
let lastSeq = null;         // highest seq delivered in order
const pending = new Map();  // seq -> true, received ahead of a gap
let gapSince = null;
const outbox = [];          // ticks not yet sent
const unconfirmed = new Map(); // n -> tick sent but not yet echoed back
let n = 0;
let pingId = 0;
let lastHeard = 0;
let malformed = 0;
let attempts = 0;           // flaw token-first-only
let handlerDead = false;    // flaw handler-dies
const acked = new Set();    // flaw no-reorder

const log = (s) => console.log(s);

function fetchToken(cb) {
  const req = (base.protocol === 'wss:' ? https : http).get({ host: base.hostname, port: base.port, path: '/token?ttl=' + encodeURIComponent(TOKEN_TTL), timeout: 2000 }, (res) => {
    let body = '';
    res.on('data', (c) => (body += c));
    res.on('end', () => {
      try {
        const t = JSON.parse(body).token;
        cb(res.statusCode === 200 && t ? t : null);
      } catch (e) {
        cb(null);
      }
    });
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', () => cb(null));
}

function scheduleReconnect() {
  if (fatal || reconnectTimer) return;
  if (flaw('gives-up') && failures >= 3) {
    log('giving up');
    return;
  }
  const ceiling = flaw('no-cap') ? INITIAL * Math.pow(2, failures) : Math.min(CAP, INITIAL * Math.pow(2, failures));
  let delay = Math.floor(random() * ceiling); // full jitter
  if (flaw('no-jitter')) delay = ceiling;
  if (flaw('constant-delay')) delay = 2 * INITIAL;
  if (flaw('hot-loop')) delay = 0;
  failures += 1;
  log('reconnecting in ' + delay + ' ms');
  reconnectTimer = setTimeout(() => {
    reconnectTimer = null;
    connect();
  }, delay);
}

function connect() {
  if (fatal) return;
  if (!token) {
    fetchToken((t) => {
      if (!t) return scheduleReconnect();
      token = t;
      connect();
    });
    return;
  }
  const u = new URL(base.toString());
  attempts += 1;
  if (!(flaw('token-first-only') && attempts > 1)) u.searchParams.set('token', token);
  if (lastSeq !== null && !flaw('no-resume')) u.searchParams.set('lastSeq', String(lastSeq));
  const sock = new WebSocket(u.toString());
  ws = sock;
  if (flaw('no-close-reply')) sock.close = () => sock.terminate(); // ws answers a close frame through close()
  sock.on('open', () => {
    log('open');
    lastHeard = Date.now();
    stableTimer = setTimeout(() => { if (!flaw('no-reset')) failures = 0; }, STABLE); // a link that stayed up resets the backoff
    while (outbox.length && sock.readyState === WebSocket.OPEN) sendTick(sock, outbox.shift());
    if (flaw('heartbeat-once') && pingId > 0) return;
    heartbeatTimer = setInterval(() => {
      if (Date.now() - lastHeard > HB_TIMEOUT && !flaw('no-dead-link-check')) {
        log('heartbeat timeout: dead link');
        sock.terminate();
        return;
      }
      if (flaw('no-heartbeat')) return;
      pingId += 1;
      sock.send(JSON.stringify({ type: 'ping', id: pingId }));
    }, HEARTBEAT);
  });
  sock.on('pong', () => (lastHeard = Date.now()));
  sock.on('message', (data) => {
    lastHeard = Date.now();
    if (handlerDead) return;
    let msg;
    try {
      msg = JSON.parse(data.toString());
    } catch (e) {
      malformed += 1;
      log('skipped a malformed message (' + malformed + ')');
      if (flaw('handler-dies')) handlerDead = true;
      return;
    }
    if (msg && msg.type === 'data' && Number.isInteger(msg.seq)) onData(sock, msg.seq);
    if (msg && msg.type === 'tick') unconfirmed.delete(msg.n);
  });
  sock.on('error', (err) => log('error ' + err.message));
  sock.on('close', (code) => {
    clearTimeout(stableTimer);
    clearInterval(heartbeatTimer);
    if (ws !== sock) return;
    ws = null;
    outbox.unshift(...unconfirmed.values()); // what the dead link may have lost goes first next time
    unconfirmed.clear();
    log('close ' + code);
    if (code === 1006 && flaw('stops-after-abort')) {
      fatal = true;
      log('aborted: not reconnecting');
      return;
    }
    if (code === 4001) {
      if (!flaw('stale-token')) token = null; // expired: refresh before reconnecting
    } else if (code >= 4000 && code <= 4999 && flaw('retry-fatal-late')) {
      log('fatal close ' + code + ': retrying anyway in 3.5 s');
      reconnectTimer = setTimeout(() => { reconnectTimer = null; connect(); }, 3500);
      return;
    } else if (code >= 4000 && code <= 4999 && !flaw('retry-fatal')) {
      fatal = true;
      log('fatal close ' + code + ': not reconnecting');
      return;
    }
    scheduleReconnect();
  });
}

function sendTick(sock, text) {
  sock.send(text);
  if (unconfirmed.size < 10000) unconfirmed.set(JSON.parse(text).n, text);
}

function onData(sock, seq) {
  if (lastSeq === null) lastSeq = seq - 1;
  if (flaw('no-reorder')) {
    if (acked.has(seq)) return; // deduplicated, but no reorder buffer
    acked.add(seq);
    lastSeq = Math.max(lastSeq, seq);
    ack(sock, seq);
    return;
  }
  if (seq <= lastSeq || pending.has(seq)) return; // duplicate
  pending.set(seq, true);
  deliver(sock);
}

function ack(sock, seq) {
  if (flaw('ack-some') && seq % 5 === 0) return;
  if (flaw('one-never-acks') && process.env.WSCHAOS_INSTANCE === '2') return;
  const send = () => sock.readyState === WebSocket.OPEN && sock.send(JSON.stringify({ type: 'ack', seq }));
  if (ACK_DELAY > 0) setTimeout(send, ACK_DELAY);
  else send();
}

function deliver(sock) {
  while (pending.has(lastSeq + 1)) {
    pending.delete(lastSeq + 1);
    lastSeq += 1;
    ack(sock, lastSeq);
  }
  gapSince = pending.size ? gapSince || Date.now() : null;
}

// a gap that does not fill in REORDER ms is given up: skip to the smallest seq held
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
    else if (flaw('drop-offline')) log('dropped tick ' + n + ' while disconnected');
    else if (outbox.length < 10000) outbox.push(text);
  }, TICK);
}

process.on('SIGTERM', () => {
  if (ws && ws.readyState === WebSocket.OPEN) ws.close(1000, 'bye');
  setTimeout(() => process.exit(0), 200);
});
setInterval(() => {}, 1 << 30); // stays alive after a fatal close until stopped
connect();
