#!/usr/bin/env node
// One WebSocket connection with `ws`, for the TLS tests: node src/test/node/wss-probe.js URL [TIMEOUT_MS]
// Trusts what Node trusts (NODE_EXTRA_CA_CERTS adds the run's authority). Prints JSON lines:
//   open {}   echo {text}   error {message, code}   close {code}   done {}
// sends "hello" once open and closes after its echo; gives up after TIMEOUT_MS (default 5000).
'use strict';
const WebSocket = require('ws');
const [url, timeoutArg] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
const ws = new WebSocket(url, { handshakeTimeout: Number(timeoutArg || 5000) });
ws.on('open', () => { out({ event: 'open' }); ws.send('hello'); });
ws.on('message', (m) => { out({ event: 'echo', text: String(m) }); ws.close(1000); });
ws.on('error', (e) => out({ event: 'error', message: e.message, code: e.code || null }));
ws.on('close', (code) => { out({ event: 'close', code }); out({ event: 'done' }); process.exit(0); });
if (!process.env.WSCHAOS_SCENARIO) { // a test's child: it goes when the test closes stdin (the runner gives none)
  process.stdin.on('end', () => process.exit(0));
  process.stdin.resume();
}
