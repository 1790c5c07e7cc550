// The common tutorial pattern in a page, kept on purpose with its flaws (the same as examples/clients/naive.js):
// - on every close, whatever the code, reconnect after a delay that doubles up to a cap and never resets; no jitter;
// - send() only when OPEN: a tick that falls while disconnected is dropped;
// - JSON.parse without try/catch; no heartbeat, no acks, no resume position;
// - and nothing for the browser's own events: it ignores offline/online, visibilitychange and freeze/resume.
// Settings come as query parameters (wschaos passes client.env so): WSCHAOS_BACKOFF_INITIAL_MS (250),
// WSCHAOS_BACKOFF_CAP_MS (30000), WSCHAOS_TICK_MS (100; 0 = no ticks).
'use strict';
(() => {
  const params = new URLSearchParams(location.search);
  const url = window.WSCHAOS_URL || params.get('WSCHAOS_URL') || 'ws://127.0.0.1:8080/';
  const num = (name, dflt) => (params.get(name) !== null && params.get(name) !== '' ? Number(params.get(name)) : dflt);
  const INITIAL = num('WSCHAOS_BACKOFF_INITIAL_MS', 250);
  const CAP = num('WSCHAOS_BACKOFF_CAP_MS', 30000);
  const TICK = num('WSCHAOS_TICK_MS', 100);

  let ws = null;
  let delay = INITIAL;
  let n = 0;

  function connect() {
    ws = new WebSocket(url);
    ws.onopen = () => console.log('open');
    ws.onmessage = (e) => {
      const msg = JSON.parse(e.data); // no try/catch: the tutorial pattern
      document.getElementById('state').textContent = 'seq ' + msg.seq;
    };
    ws.onerror = () => console.log('error');
    ws.onclose = (e) => {
      console.log('close ' + e.code + ', reconnecting in ' + delay + ' ms');
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, CAP); // doubles, never resets
    };
  }

  if (TICK > 0) {
    setInterval(() => {
      n += 1;
      if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'tick', n }));
      // else: dropped
    }, TICK);
  }
  connect();
})();
