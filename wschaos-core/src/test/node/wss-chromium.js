#!/usr/bin/env node
// One WebSocket connection from a page in headless Chromium (Debian's /usr/bin/chromium, through
// playwright-core), for the TLS tests:
//
//   node src/test/node/wss-chromium.js URL SPKI [N] [step]
//
// Chromium is launched with --ignore-certificate-errors-spki-list=SPKI (how the runner tells it to
// trust the proxy's good certificate, WSCHAOS_CA_SPKI). The page opens `new WebSocket(URL)` N times
// (default 1), one after the other (with "step", each once a line arrives on stdin); each sends "hello" once open and closes after the echo. Prints
// JSON lines: browser {pids}   console {type, text}   ws-open|ws-echo|ws-error|ws-close {n, code}   done {}
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { chromium } = require('playwright-core');
const [url, spki, nArg, stepArg] = process.argv.slice(2);
const lines = [];
let wake = null;
require('readline').createInterface({ input: process.stdin }).on('line', (l) => { lines.push(l); if (wake) { wake(); wake = null; } });
const nextLine = () => lines.length ? Promise.resolve(lines.shift()) : new Promise((r) => { wake = () => r(lines.shift()); });
const n = Number(nArg || 1);
const CHROMIUM = process.env.WSCHAOS_CHROMIUM || '/usr/bin/chromium';
const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');
let context, userDataDir;

async function cleanup() {
  try { if (context) await context.close(); } catch (_) {}
  try { if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true }); } catch (_) {}
}
setTimeout(async () => { out({ event: 'error', message: 'wss-chromium: overall timeout' }); await cleanup(); process.exit(4); }, 40000).unref();
process.stdin.on('end', async () => { await cleanup(); process.exit(0); });
process.stdin.resume();

function descendants(root) {
  const parent = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try { const st = fs.readFileSync('/proc/' + d + '/stat', 'utf8'); parent.set(Number(d), Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[1])); } catch (_) {}
  }
  const res = [], todo = [root];
  while (todo.length) { const p = todo.pop(); for (const [c, pp] of parent) if (pp === p) { res.push(c); todo.push(c); } }
  return res;
}

(async () => {
  try {
    userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wschaos-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM, headless: true, timeout: 30000,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--ignore-certificate-errors-spki-list=' + spki],
    });
    out({ event: 'browser', pids: descendants(process.pid) });
    const page = context.pages()[0] || (await context.newPage());
    page.on('console', (m) => out({ event: 'console', type: m.type(), text: m.text() }));
    for (let i = 1; i <= n; i++) {
      if (stepArg === 'step') await nextLine();
      const result = await page.evaluate((u) => new Promise((resolve) => {
        const seen = [];
        const ws = new WebSocket(u);
        const t = setTimeout(() => { seen.push({ event: 'timeout' }); resolve(seen); }, 12000);
        ws.onopen = () => { seen.push({ event: 'open' }); ws.send('hello'); };
        ws.onmessage = (m) => { seen.push({ event: 'echo', text: String(m.data) }); ws.close(1000); };
        ws.onerror = () => seen.push({ event: 'error' });
        ws.onclose = (c) => { seen.push({ event: 'close', code: c.code }); clearTimeout(t); resolve(seen); };
      }), url);
      await new Promise((r) => setTimeout(r, 150)); // the console line of a failure comes a little later
      for (const r of result) out(Object.assign({ ws: true, n: i }, r, { event: 'ws-' + r.event }));
      out({ event: 'connection', n: i });
    }
    out({ event: 'done' });
  } catch (e) {
    out({ event: 'error', message: String(e && e.stack || e) });
  }
  await cleanup();
  process.exit(0);
})();
