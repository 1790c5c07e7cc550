#!/usr/bin/env node
// A scriptable `ws` WebSocket server for wschaos tests.
//
//   node wschaos-core/src/test/node/ws-server.js [--port N] [--protocols a,b] [--reject STATUS]
//                                   [--perMessageDeflate on|off]
//
// Listens on 127.0.0.1 (port 0 by default) and prints one JSON object per line on stdout;
// the first is {"event":"listening","port":N}. Every other message is echoed with the same
// type, byte for byte. Text messages that are commands are not echoed:
//
//   __handshake          reply with a JSON text: url, headers, rawHeaders, offered protocols,
//                        selected protocol, negotiated extensions
//   __close CODE REASON  close with that code and reason (REASON may contain spaces)
//   __ping               send a ping with payload "srv" (pongs are printed as they arrive)
//   __stats              reply with a JSON text {"pings":N,"pongs":M} received on this connection
//   __fragment           send "alpha-beta-gamma" as 3 text frames
//   __fragment binary N  send N deterministic bytes as 3 binary frames
//   __die                destroy the TCP socket without a close frame
//
// Options:
//   --protocols a,b        subprotocols the server speaks, in its order of preference; it picks
//                          the first of these the client offered. Without it, none is picked.
//   --reject STATUS        answer every upgrade with STATUS, "Retry-After: 7" and a small body
//   --perMessageDeflate on accept permessage-deflate when offered (off by default)
//
// Printed events (each with "conn", the connection number from 1, except listening/rejected):
//   listening {port}  connection {url, protocol, extensions}  message {type, size, sha256}
//   command {command}  fragmented {type, size, sha256}  ping {data, count}  pong {data, count}
//   close {code, reason}  error {message}  rejected {status, url}
//
// Exits on SIGTERM, SIGINT and when stdin, if it is a pipe, closes.
'use strict';

const crypto = require('crypto');
const http = require('http');
const { WebSocketServer } = require('ws');

function parseArgs(argv) {
  const opts = { port: 0, protocols: null, reject: 0, perMessageDeflate: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${flag} needs a value`);
      return argv[++i];
    };
    switch (flag) {
      case '--port': opts.port = Number(value()); break;
      case '--protocols': opts.protocols = value().split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--reject': opts.reject = Number(value()); break;
      case '--perMessageDeflate': opts.perMessageDeflate = onOff(flag, value()); break;
      default: fail(`unknown option ${flag}`);
    }
  }
  if (opts.reject && !http.STATUS_CODES[opts.reject]) fail(`--reject ${opts.reject} is not an HTTP status`);
  return opts;
}

function onOff(flag, v) {
  if (v === 'on' || v === 'true') return true;
  if (v === 'off' || v === 'false') return false;
  return fail(`${flag} takes on or off, got ${v}`);
}

function fail(message) {
  process.stderr.write(`ws-server: ${message}\n`);
  process.exit(2);
}

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

function sha256(buf) {
  return crypto.createHash('sha256').update(buf).digest('hex');
}

/** The same deterministic bytes for the same size (a seeded xorshift32). */
function pseudoRandomBytes(size, seed) {
  const buf = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    buf[i] = x & 0xff;
  }
  return buf;
}

const opts = parseArgs(process.argv.slice(2));

const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: opts.perMessageDeflate,
  maxPayload: 64 * 1024 * 1024,
  handleProtocols: (offered) => {
    if (!opts.protocols) return false;
    return opts.protocols.find((p) => offered.has(p)) || false;
  },
});

const server = http.createServer((req, res) => {
  res.writeHead(426, { 'Content-Type': 'text/plain' });
  res.end('this is a WebSocket server\n');
});

server.on('upgrade', (req, socket, head) => {
  if (opts.reject) {
    const body = `rejected by ws-server with ${opts.reject}\n`;
    socket.end(
      `HTTP/1.1 ${opts.reject} ${http.STATUS_CODES[opts.reject]}\r\n` +
        'Retry-After: 7\r\n' +
        'Content-Type: text/plain; charset=utf-8\r\n' +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        'Connection: close\r\n' +
        '\r\n' +
        body,
    );
    emit({ event: 'rejected', status: opts.reject, url: req.url });
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
});

let connections = 0;

wss.on('connection', (ws, req) => {
  const conn = ++connections;
  const offered = (req.headers['sec-websocket-protocol'] || '')
    .split(',').map((s) => s.trim()).filter(Boolean);
  let pings = 0;
  let pongs = 0;
  emit({ event: 'connection', conn, url: req.url, protocol: ws.protocol, extensions: ws.extensions });

  ws.on('ping', (data) => emit({ event: 'ping', conn, data: data.toString('utf8'), count: ++pings }));
  ws.on('pong', (data) => emit({ event: 'pong', conn, data: data.toString('utf8'), count: ++pongs }));
  ws.on('error', (err) => emit({ event: 'error', conn, message: err.message }));
  ws.on('close', (code, reason) => emit({ event: 'close', conn, code, reason: reason.toString('utf8') }));

  ws.on('message', (data, isBinary) => {
    const text = isBinary ? null : data.toString('utf8');
    if (text !== null && text.startsWith('__') && command(text)) return;
    emit({ event: 'message', conn, type: isBinary ? 'binary' : 'text', size: data.length, sha256: sha256(data) });
    ws.send(data, { binary: isBinary });
  });

  /** Runs a command; false if the text is not one (it is then echoed like any message). */
  function command(text) {
    const [name, ...args] = text.split(' ');
    switch (name) {
      case '__handshake':
        if (args.length) return false;
        emit({ event: 'command', conn, command: text });
        ws.send(JSON.stringify({
          url: req.url,
          headers: req.headers,
          rawHeaders: req.rawHeaders,
          protocols: offered,
          protocol: ws.protocol,
          extensions: ws.extensions,
        }));
        return true;
      case '__close': {
        const code = Number(args[0]);
        if (!Number.isInteger(code)) return false;
        emit({ event: 'command', conn, command: text });
        ws.close(code, args.slice(1).join(' '));
        return true;
      }
      case '__ping':
        emit({ event: 'command', conn, command: text });
        ws.ping('srv');
        return true;
      case '__stats':
        emit({ event: 'command', conn, command: text });
        ws.send(JSON.stringify({ pings, pongs }));
        return true;
      case '__fragment': {
        emit({ event: 'command', conn, command: text });
        const binary = args[0] === 'binary';
        const parts = binary ? split3(pseudoRandomBytes(Number(args[1] || 3000), 42)) : ['alpha-', 'beta-', 'gamma'];
        const whole = Buffer.concat(parts.map((p) => Buffer.from(p)));
        emit({ event: 'fragmented', conn, type: binary ? 'binary' : 'text', size: whole.length, sha256: sha256(whole) });
        parts.forEach((part, i) => ws.send(part, { binary, fin: i === parts.length - 1 }));
        return true;
      }
      case '__die':
        emit({ event: 'command', conn, command: text });
        ws.terminate();
        return true;
      default:
        return false;
    }
  }
});

function split3(buf) {
  const a = Math.floor(buf.length / 3);
  return [buf.subarray(0, a), buf.subarray(a, 2 * a), buf.subarray(2 * a)];
}

server.listen(opts.port, '127.0.0.1', () => emit({ event: 'listening', port: server.address().port }));

function shutdown() {
  for (const ws of wss.clients) ws.terminate();
  server.close();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
// Exit with the parent: a test JVM holds our stdin pipe open and its end closes it.
if (require('fs').fstatSync(0).isFIFO()) {
  process.stdin.on('end', shutdown);
  process.stdin.on('error', shutdown);
  process.stdin.resume();
}
