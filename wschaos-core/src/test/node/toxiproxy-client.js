#!/usr/bin/env node
// Drives wschaos's Toxiproxy-compatible API with the real toxiproxy-node-client (npm), calls as
// any Toxiproxy user writes them, and observes each toxic on a real `ws` WebSocket link through
// the proxy to a real echo server.
//
//   node toxiproxy-client.js API_URL UPSTREAM_HOST:PORT
//
// Prints one JSON object per line: {"step": NAME, ...what it saw}, then {"event":"done"}, or
// {"event":"failed","error":…} and exit code 1.
'use strict';

const { Toxiproxy } = require('toxiproxy-node-client');
const WebSocket = require('ws');

const [api, upstream] = process.argv.slice(2);
const toxiproxy = new Toxiproxy(api);
const out = (o) => console.log(JSON.stringify(o));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A ws link to `listen` with a queue of received texts and a promise of how it ended. */
function open(listen) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket('ws://' + listen + '/');
    const queue = [];
    let waiter = null;
    const link = {
      ws,
      ended: new Promise((r) => ws.on('close', (code, reason) => r(code + (reason.length ? ' ' + reason : '')))),
      next(ms) {
        if (queue.length) return Promise.resolve(queue.shift());
        return new Promise((r) => {
          const timer = setTimeout(() => { waiter = null; r(null); }, ms);
          waiter = (m) => { clearTimeout(timer); waiter = null; r(m); };
        });
      },
      async rtt(text, ms = 5000) {
        const t0 = Date.now();
        ws.send(text);
        const got = await link.next(ms);
        if (got !== text) throw new Error('expected the echo of ' + text + ', got ' + got);
        return Date.now() - t0;
      },
      async endedWithin(ms) {
        return Promise.race([link.ended, sleep(ms).then(() => null)]);
      },
    };
    ws.on('message', (data) => { const m = data.toString(); if (waiter) waiter(m); else queue.push(m); });
    ws.on('error', () => {});
    ws.once('open', () => resolve(link));
    ws.once('unexpected-response', (req, res) => reject(new Error('HTTP ' + res.statusCode)));
    ws.once('error', reject);
  });
}

async function failure(promise) {
  try {
    await promise;
    return 'no error';
  } catch (e) {
    return e.message;
  }
}

async function main() {
  out({ step: 'version', version: await toxiproxy.getVersion() });
  let proxy = await toxiproxy.createProxy({ name: 'node', listen: '127.0.0.1:0', upstream });
  out({ step: 'created', listen: proxy.listen, upstream: proxy.upstream, enabled: proxy.enabled });
  out({ step: 'duplicate', error: await failure(toxiproxy.createProxy({ name: 'node', listen: '127.0.0.1:0', upstream })) });
  out({ step: 'listed', names: Object.keys(await toxiproxy.getAll()), got: (await toxiproxy.get('node')).listen });
  out({ step: 'missing', error: await failure(toxiproxy.get('nope')) });

  let link = await open(proxy.listen);
  const base = await link.rtt('warm-up');

  // latency, then an update, then removal
  const lag = await proxy.addToxic({ name: 'lag', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 400, jitter: 0 } });
  const slow = await link.rtt('a');
  const updated = await lag.update({ attributes: { latency: 150 }, toxicity: 1 });
  await lag.remove();
  out({ step: 'latency', base, slow, updated: updated.attributes, after: await link.rtt('b') });

  // toxicity 0 injects nothing
  const never = await proxy.addToxic({ name: 'never', type: 'latency', stream: 'downstream', toxicity: 0, attributes: { latency: 1000 } });
  out({ step: 'toxicity0', rtt: await link.rtt('c'), toxicity: never.toxicity });
  await never.remove();

  // bandwidth: 8 KB/s, 16000 bytes
  const bw = await proxy.addToxic({ type: 'bandwidth', stream: 'downstream', toxicity: 1, attributes: { rate: 8 } });
  let t0 = Date.now();
  for (let i = 0; i < 4; i++) await link.rtt('y'.repeat(4000), 10000);
  out({ step: 'bandwidth', name: bw.name, ms: Date.now() - t0 });
  await bw.remove();

  // slicer: messages still arrive whole (ws reassembles the frames)
  const slicer = await proxy.addToxic({ type: 'slicer', stream: 'downstream', toxicity: 1, attributes: { average_size: 3, size_variation: 0, delay: 0 } });
  out({ step: 'slicer', rtt: await link.rtt('abcdefghij') });
  await slicer.remove();

  // wschaos-only toxics
  const drop = await proxy.addToxic({ type: 'ws_drop', stream: 'downstream', toxicity: 1, attributes: { first: 1 } });
  link.ws.send('dropped');
  const droppedEcho = await link.next(600);
  const nextEcho = await link.rtt('kept');
  await drop.remove();
  out({ step: 'ws_drop', droppedEcho, nextEcho });

  const dup = await proxy.addToxic({ type: 'ws_duplicate', stream: 'downstream', toxicity: 1, attributes: { count: 1 } });
  link.ws.send('twice');
  const copies = [await link.next(3000), await link.next(3000)];
  await dup.remove();
  out({ step: 'ws_duplicate', copies });

  const corrupt = await proxy.addToxic({ type: 'ws_corrupt', stream: 'downstream', toxicity: 1, attributes: { mode: 'malformed_json' } });
  link.ws.send('{"n":1}');
  const corrupted = await link.next(3000);
  await corrupt.remove();
  out({ step: 'ws_corrupt', sent: '{"n":1}', got: corrupted });

  // slow_close: the server's close comes late
  const slowClose = await proxy.addToxic({ type: 'slow_close', stream: 'downstream', toxicity: 1, attributes: { delay: 700 } });
  t0 = Date.now();
  link.ws.send('__close 4000 bye');
  const slowEnd = await link.endedWithin(5000);
  out({ step: 'slow_close', end: slowEnd, ms: Date.now() - t0 });
  await slowClose.remove();

  // timeout: nothing arrives, then the link is cut
  link = await open(proxy.listen);
  await link.rtt('hello');
  const timeout = await proxy.addToxic({ type: 'timeout', stream: 'downstream', toxicity: 1, attributes: { timeout: 800 } });
  t0 = Date.now();
  link.ws.send('lost');
  const lost = await link.next(400);
  out({ step: 'timeout', lost, end: await link.endedWithin(5000), ms: Date.now() - t0 });
  await timeout.remove();

  // limit_data: 10 bytes, then cut
  link = await open(proxy.listen);
  const limit = await proxy.addToxic({ type: 'limit_data', stream: 'downstream', toxicity: 1, attributes: { bytes: 10 } });
  const first = await link.rtt('hello');
  link.ws.send('world!');
  out({ step: 'limit_data', first: first >= 0, crossing: await link.next(500), end: await link.endedWithin(5000) });
  await limit.remove();

  // reset_peer: open links are reset
  link = await open(proxy.listen);
  await link.rtt('hello');
  const reset = await proxy.addToxic({ type: 'reset_peer', stream: 'upstream', toxicity: 1, attributes: { timeout: 0 } });
  out({ step: 'reset_peer', end: await link.endedWithin(5000) });
  await reset.remove();

  // ws_close with an application code
  link = await open(proxy.listen);
  await link.rtt('hello');
  await proxy.addToxic({ name: 'expire', type: 'ws_close', stream: 'downstream', toxicity: 1, attributes: { code: 4001, reason: 'token expired' } });
  out({ step: 'ws_close', end: await link.endedWithin(5000) });

  // bad toxics
  out({ step: 'bad_toxic', type: await failure(proxy.addToxic({ type: 'bogus', stream: 'downstream', toxicity: 1, attributes: {} })),
    stream: await failure(proxy.addToxic({ type: 'latency', stream: 'sideways', toxicity: 1, attributes: {} })),
    taken: await failure(proxy.addToxic({ name: 'expire', type: 'latency', stream: 'downstream', toxicity: 1, attributes: {} })) });

  // reset removes every toxic
  await toxiproxy.reset();
  out({ step: 'reset', toxics: await failure(proxy.getToxic('expire')) });

  // disable closes the listener and cuts the links; enable brings it back
  link = await open(proxy.listen);
  await link.rtt('hello');
  proxy = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
  const cut = await link.endedWithin(5000);
  const refused = await failure(open(proxy.listen));
  proxy = await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
  link = await open(proxy.listen);
  out({ step: 'disable', enabled: proxy.enabled, cut, refused: refused !== 'no error', back: await link.rtt('again') >= 0 });
  link.ws.close();

  // populate and remove
  const populated = await toxiproxy.populate([{ name: 'pop', listen: '127.0.0.1:0', upstream, enabled: true }]);
  await populated.pop.remove();
  await proxy.remove();
  out({ step: 'removed', populated: Object.keys(populated), left: Object.keys(await toxiproxy.getAll()) });
}

main().then(() => { out({ event: 'done' }); process.exit(0); },
  (e) => { out({ event: 'failed', error: String(e && e.stack || e) }); process.exit(1); });
