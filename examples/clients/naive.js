#!/usr/bin/env node
// The common tutorial pattern, kept on purpose with its flaws (docs/example-suite.md lists what it fails):
// - on every close, whatever the code, reconnect after a delay that doubles up to a cap and never resets;
//   no jitter, so every client of a deploy comes back at the same instant;
// - send() only when OPEN: a tick that falls while disconnected is dropped (its number is skipped);
// - JSON.parse without try/catch: one malformed message throws out of the handler and kills the process;
// - no heartbeat, no acks, no resume position, no token.
// Timings come from the environment so the example suite runs at CI scale:
//   WSCHAOS_BACKOFF_INITIAL_MS (250), WSCHAOS_BACKOFF_CAP_MS (30000), WSCHAOS_TICK_MS (100; 0 = no ticks)
const WebSocket = require('ws');

const url = process.env.WSCHAOS_URL || 'ws://127.0.0.1:8080/';
const num = (name, dflt) => (process.env[name] !== undefined && process.env[name] !== '' ? Number(process.env[name]) : dflt);
const INITIAL = num('WSCHAOS_BACKOFF_INITIAL_MS', 250);
const CAP = num('WSCHAOS_BACKOFF_CAP_MS', 30000);
const TICK = num('WSCHAOS_TICK_MS', 100);

let ws = null;
let delay = INITIAL;
let n = 0;
let lastSeq = null;

function connect() {
  ws = new WebSocket(url);
  ws.on('open', () => console.log('open'));
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()); // no try/catch: the tutorial pattern
    if (msg.type === 'data') lastSeq = msg.seq;
  });
  ws.on('error', (err) => console.log('error ' + err.message));
  ws.on('close', (code) => {
    console.log('close ' + code + ', reconnecting in ' + delay + ' ms');
    setTimeout(connect, delay);
    delay = Math.min(delay * 2, CAP); // doubles, never resets
  });
}

if (TICK > 0) {
  setInterval(() => {
    n += 1;
    if (ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'tick', n }));
    // else: dropped
  }, TICK);
}

process.on('SIGTERM', () => process.exit(0));
connect();
