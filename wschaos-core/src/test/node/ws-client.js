#!/usr/bin/env node
// A scripted `ws` WebSocket client for wschaos tests.
//
//   node wschaos-core/src/test/node/ws-client.js URL SCRIPT_JSON
//
// SCRIPT_JSON is a list of steps run in order. Connect options come first; the client connects
// at the first other step (or at the end of the script):
//
//   {"protocols":["a","b"]}          offer these subprotocols
//   {"headers":{"X-A":"1","X-B":["2","3"]}}  extra handshake headers (an array sends the header once per value)
//   {"offerDeflate":true}            offer permessage-deflate (not offered by default)
//
// then actions:
//
//   {"send":"text","size":N}         N bytes of deterministic pseudo-random UTF-8 text (1 to 4-byte characters)
//   {"send":"binary","size":N}       N deterministic pseudo-random bytes ("seed":S to vary; default: the step number)
//   {"text":"__handshake"}           a literal text message, e.g. a server command (expectEcho ignores it)
//   {"sendFragmented":["a","b","c"]} one text message in 3 frames ("binary":true for binary frames)
//   {"expectEcho":true}              the next messages received (after those an earlier expectEcho took) must
//                                    equal, in type, size and SHA-256, the send/sendFragmented messages since
//                                    the last expectEcho; prints one echo line each ("timeout":ms, default 5000)
//   {"ping":"x"}                     send a ping with that payload
//   {"close":[4000,"bye"]}           start a close handshake ([] sends no code)
//   {"die":true}                     destroy the TCP socket without a close frame
//   {"wait":ms}                      sleep
//
// It prints one JSON object per line on stdout:
//   open {protocol, extensions, headers}   sent {type, size, sha256}
//   message {type, size, sha256, text (text messages up to 4 KiB)}
//   echo {ok, type, size, sha256, got}     ping {data, count}   pong {data, count}
//   close {code, reason}   error {message}   unexpected-response {status, headers, body}
//   done {} (the script ran to its end)
// and exits once the connection is over (close, or an HTTP answer other than 101). After "done"
// it stays connected until the peer closes. It also exits on SIGTERM and when stdin, if it is a pipe, closes.
'use strict';

const crypto = require('crypto');
const WebSocket = require('ws');

const [url, scriptJson] = process.argv.slice(2);
if (!url || !scriptJson) fail('usage: ws-client.js URL SCRIPT_JSON');
let script;
try {
  script = JSON.parse(scriptJson);
} catch (e) {
  fail(`SCRIPT_JSON is not JSON: ${e.message}`);
}
if (!Array.isArray(script)) fail('SCRIPT_JSON must be a list of steps');

const OPTION_KEYS = ['protocols', 'headers', 'offerDeflate'];
const ACTION_KEYS = ['send', 'text', 'sendFragmented', 'expectEcho', 'ping', 'close', 'die', 'wait'];

function fail(message) {
  process.stderr.write(`ws-client: ${message}\n`);
  process.exit(2);
}

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function sha256(buf) {
  return crypto.createHash('sha256').update(buf).digest('hex');
}

function finish() {
  process.exit(0);
}

/** mulberry32: a small seeded generator of 32-bit integers. */
function generator(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function pseudoRandomBinary(size, seed) {
  const next = generator(seed);
  const buf = Buffer.alloc(size);
  let i = 0;
  for (; i + 4 <= size; i += 4) buf.writeUInt32LE(next(), i);
  for (; i < size; i++) buf[i] = next() & 0xff;
  return buf;
}

/** Exactly `size` bytes of valid UTF-8: mostly ASCII, with 2-, 3- and 4-byte characters mixed in. */
function pseudoRandomText(size, seed) {
  const next = generator(seed);
  const buf = Buffer.alloc(size);
  let i = 0;
  while (i < size) {
    const r = next();
    const kind = r & 15;
    const left = size - i;
    if (kind === 13 && left >= 2) {
      const cp = 0x80 + ((r >>> 4) % (0x800 - 0x80));
      buf[i++] = 0xc0 | (cp >> 6);
      buf[i++] = 0x80 | (cp & 0x3f);
    } else if (kind === 14 && left >= 3) {
      let cp = 0x800 + ((r >>> 4) % (0x10000 - 0x800));
      if (cp >= 0xd800 && cp <= 0xdfff) cp -= 0x800; // no surrogates
      buf[i++] = 0xe0 | (cp >> 12);
      buf[i++] = 0x80 | ((cp >> 6) & 0x3f);
      buf[i++] = 0x80 | (cp & 0x3f);
    } else if (kind === 15 && left >= 4) {
      const cp = 0x10000 + ((r >>> 4) % (0x110000 - 0x10000));
      buf[i++] = 0xf0 | (cp >> 18);
      buf[i++] = 0x80 | ((cp >> 12) & 0x3f);
      buf[i++] = 0x80 | ((cp >> 6) & 0x3f);
      buf[i++] = 0x80 | (cp & 0x3f);
    } else {
      buf[i++] = 0x20 + ((r >>> 4) % 95); // printable ASCII
    }
  }
  return buf;
}

const connectOptions = { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024, headers: {} };
let protocols = [];
let ws = null;
const received = []; // {type, size, sha256}, in arrival order
let echoCursor = 0; // received[echoCursor] is the first message no expectEcho has consumed
let unechoed = []; // what was sent since the last expectEcho
let receivedWaiter = null;
let pings = 0;
let pongs = 0;

function connect() {
  return new Promise((resolve) => {
    ws = new WebSocket(url, protocols, connectOptions);
    let upgradeHeaders = {};
    ws.on('upgrade', (res) => { upgradeHeaders = res.headers; });
    ws.on('open', () => {
      emit({ event: 'open', protocol: ws.protocol, extensions: ws.extensions, headers: upgradeHeaders });
      resolve(true);
    });
    ws.on('unexpected-response', (req, res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        emit({
          event: 'unexpected-response',
          status: res.statusCode,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        req.destroy();
        finish();
      });
    });
    ws.on('message', (data, isBinary) => {
      const type = isBinary ? 'binary' : 'text';
      const m = { type, size: data.length, sha256: sha256(data) };
      received.push(m);
      const line = { event: 'message', ...m };
      if (!isBinary && data.length <= 4096) line.text = data.toString('utf8');
      emit(line);
      if (receivedWaiter) receivedWaiter();
    });
    ws.on('ping', (data) => emit({ event: 'ping', data: data.toString('utf8'), count: ++pings }));
    ws.on('pong', (data) => emit({ event: 'pong', data: data.toString('utf8'), count: ++pongs }));
    ws.on('error', (err) => emit({ event: 'error', message: err.message }));
    ws.on('close', (code, reason) => {
      emit({ event: 'close', code, reason: reason.toString('utf8') });
      resolve(false);
      finish();
    });
  });
}

function send(data, options) {
  return new Promise((resolve) => {
    ws.send(data, options, (err) => {
      if (err) emit({ event: 'error', message: `send failed: ${err.message}` });
      resolve();
    });
  });
}

function sent(type, payload) {
  const m = { type, size: payload.length, sha256: sha256(payload) };
  unechoed.push(m);
  emit({ event: 'sent', ...m });
}

async function expectEcho(timeoutMs) {
  const expected = unechoed;
  unechoed = [];
  const deadline = Date.now() + timeoutMs;
  while (received.length - echoCursor < expected.length && Date.now() < deadline) {
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, deadline - Date.now());
      receivedWaiter = () => { clearTimeout(timer); resolve(); };
    });
    receivedWaiter = null;
  }
  for (const want of expected) {
    const got = received[echoCursor] || null;
    if (got) echoCursor++;
    const ok = got !== null && got.type === want.type && got.size === want.size && got.sha256 === want.sha256;
    emit({ event: 'echo', ok, ...want, got });
  }
}

async function step(s, n) {
  if (s.send !== undefined) {
    const size = s.size || 0;
    const seed = s.seed !== undefined ? s.seed : n;
    if (s.send === 'text') {
      const payload = pseudoRandomText(size, seed);
      sent('text', payload);
      await send(payload, { binary: false });
    } else if (s.send === 'binary') {
      const payload = pseudoRandomBinary(size, seed);
      sent('binary', payload);
      await send(payload, { binary: true });
    } else {
      fail(`step ${n}: send must be "text" or "binary"`);
    }
  } else if (s.text !== undefined) {
    const payload = Buffer.from(String(s.text), 'utf8');
    emit({ event: 'sent', type: 'text', size: payload.length, sha256: sha256(payload) });
    await send(payload, { binary: false });
  } else if (s.sendFragmented !== undefined) {
    const parts = s.sendFragmented.map((p) => Buffer.from(String(p), 'utf8'));
    const binary = s.binary === true;
    sent(binary ? 'binary' : 'text', Buffer.concat(parts));
    for (let i = 0; i < parts.length; i++) {
      await send(parts[i], { binary, fin: i === parts.length - 1 });
    }
  } else if (s.expectEcho !== undefined) {
    await expectEcho(s.timeout || 5000);
  } else if (s.ping !== undefined) {
    ws.ping(String(s.ping));
  } else if (s.close !== undefined) {
    const [code, reason] = s.close;
    ws.close(code, reason);
  } else if (s.die !== undefined) {
    ws.terminate();
  } else if (s.wait !== undefined) {
    await new Promise((resolve) => setTimeout(resolve, s.wait));
  }
}

function checkStep(s, n) {
  if (s === null || typeof s !== 'object' || Array.isArray(s)) fail(`step ${n} is not an object`);
  const keys = Object.keys(s).filter((k) => OPTION_KEYS.includes(k) || ACTION_KEYS.includes(k));
  if (keys.length !== 1) {
    fail(`step ${n} must have exactly one of ${[...OPTION_KEYS, ...ACTION_KEYS].join(', ')}: ${JSON.stringify(s)}`);
  }
  return OPTION_KEYS.includes(keys[0]);
}

async function run() {
  const isOption = script.map((s, i) => checkStep(s, i + 1));
  let connected = false;
  for (let i = 0; i < script.length; i++) {
    const s = script[i];
    if (isOption[i]) {
      if (connected) fail(`step ${i + 1}: connect option ${JSON.stringify(s)} after the connection opened`);
      if (s.protocols) protocols = s.protocols;
      if (s.headers) Object.assign(connectOptions.headers, s.headers);
      if (s.offerDeflate) connectOptions.perMessageDeflate = true;
      continue;
    }
    if (!connected) {
      if (!(await connect())) return;
      connected = true;
    }
    await step(s, i + 1);
  }
  if (!connected && !(await connect())) return;
  emit({ event: 'done' });
}

process.on('SIGTERM', finish);
process.on('SIGINT', finish);
// Exit with the parent: a test JVM holds our stdin pipe open and its end closes it.
if (require('fs').fstatSync(0).isFIFO()) {
  process.stdin.on('end', finish);
  process.stdin.on('error', finish);
  process.stdin.resume();
}

run().catch((e) => {
  emit({ event: 'error', message: `script failed: ${e.stack || e}` });
  finish();
});
