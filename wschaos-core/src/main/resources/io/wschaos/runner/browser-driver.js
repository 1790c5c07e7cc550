#!/usr/bin/env node
// wschaos browser driver: the runner starts it (one process per scenario run) for a client
// `browser: {page | url}`. It launches Debian's Chromium headless through playwright-core (never
// downloads a browser), opens the page once per instance in its own browser context, and:
//  - prints one JSON object per line on stdout: browser {pids}, ready {instance, url}, console
//    {instance, level, text}, pageerror {instance, text}, crash {instance}, device {instance, fault,
//    condition, on, detail}, device_error {…, message}, fatal {reason} (then exits 3);
//  - reads commands, one JSON object per line, on stdin: {"cmd":"set","fault":ID,"name":NAME,
//    "condition":"OFFLINE|FROZEN|HIDDEN|THROTTLED","on":true|false,"instance":0|N,"params":{…}};
//  - exits when stdin closes or on SIGTERM, closing the browser first.
// Environment: WSCHAOS_DRIVER_CONFIG (JSON from the runner: instances [{instance, url}], page or
// url, query), WSCHAOS_CHROMIUM (default /usr/bin/chromium), WSCHAOS_CA_SPKI (adds
// --ignore-certificate-errors-spki-list=VALUE), WSCHAOS_CHROMIUM_FLAGS (extra flags, split on spaces).
"use strict";
const fs = require("fs");
const http = require("http");
const path = require("path");
const { createRequire } = require("module");

const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
function fatal(reason) {
  out({ event: "fatal", reason: String(reason).split("\n")[0] });
  cleanup().finally(() => process.exit(3));
}

function loadPlaywright() {
  const tries = [path.join(process.cwd(), "package.json"), __filename];
  for (const from of tries) {
    try {
      return createRequire(from)("playwright-core");
    } catch (e) {
      if (e.code !== "MODULE_NOT_FOUND") throw e;
    }
  }
  try {
    return require("playwright-core");
  } catch (e) {
    return null;
  }
}

let config;
try {
  config = JSON.parse(process.env.WSCHAOS_DRIVER_CONFIG || "");
} catch (e) {
  out({ event: "fatal", reason: "WSCHAOS_DRIVER_CONFIG is not JSON: " + e.message });
  process.exit(3);
}
const CHROMIUM = process.env.WSCHAOS_CHROMIUM || "/usr/bin/chromium";
let browser = null, server = null, closing = false;
let openNow;
const opened = new Promise((resolve) => { openNow = resolve; });
const pages = new Map(); // instance -> {page, cdp, state}

async function cleanup() {
  closing = true;
  if (browser) { const b = browser; browser = null; await b.close().catch(() => {}); }
  if (server) { server.close(); server = null; }
}
process.on("SIGTERM", () => cleanup().finally(() => process.exit(0)));
process.stdin.setEncoding("utf8");
let buffered = "";
process.stdin.on("data", (chunk) => {
  buffered += chunk;
  let nl;
  while ((nl = buffered.indexOf("\n")) >= 0) {
    const line = buffered.slice(0, nl).trim();
    buffered = buffered.slice(nl + 1);
    if (line && line.includes('"cmd":"open"')) command(line);
    else if (line) started.then(() => command(line));
  }
});
process.stdin.on("end", () => cleanup().finally(() => process.exit(0)));

// Every process below `root`, from /proc: what the browser started (the runner checks it is gone).
function descendants(root) {
  const parent = new Map();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try { const st = fs.readFileSync("/proc/" + d + "/stat", "utf8"); parent.set(Number(d), Number(st.slice(st.lastIndexOf(")") + 2).split(" ")[1])); } catch (_) {}
  }
  const found = [], todo = [root];
  while (todo.length) { const p = todo.pop(); for (const [c, pp] of parent) if (pp === p) { found.push(c); todo.push(c); } }
  return found;
}

const TYPES = { ".html": "text/html", ".htm": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css",
  ".json": "application/json", ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon", ".txt": "text/plain" };

// The page's folder, on 127.0.0.1: what a developer's `npx serve` would do.
function serve(root) {
  return new Promise((resolve, reject) => {
    const s = http.createServer((req, res) => {
      const u = new URL(req.url, "http://127.0.0.1");
      const file = path.resolve(root, "." + decodeURIComponent(u.pathname));
      if (!file.startsWith(root + path.sep) && file !== root) { res.statusCode = 403; return res.end(); }
      if (u.pathname === "/favicon.ico" && !fs.existsSync(file)) { res.statusCode = 204; return res.end(); } // no console noise
      fs.readFile(file, (err, data) => {
        if (err) { res.statusCode = 404; return res.end("not found"); }
        res.setHeader("content-type", TYPES[path.extname(file).toLowerCase()] || "application/octet-stream");
        res.setHeader("cache-control", "no-store");
        res.end(data);
      });
    });
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => resolve(s));
  });
}

// Visibility is not something headless Chromium changes (every page has its own always-visible
// window, and Page.setWebLifecycleState does not freeze a visible page): the page's view of it is
// emulated before any page script runs, and window.__wschaosVisibility(hidden) flips it.
const VISIBILITY = `(() => {
  let hidden = false;
  const vs = Object.getOwnPropertyDescriptor(Document.prototype, "visibilityState");
  const hd = Object.getOwnPropertyDescriptor(Document.prototype, "hidden");
  Object.defineProperty(Document.prototype, "visibilityState", { configurable: true, enumerable: true, get() { return hidden ? "hidden" : vs.get.call(this); } });
  Object.defineProperty(Document.prototype, "hidden", { configurable: true, enumerable: true, get() { return hidden || hd.get.call(this); } });
  const hasFocus = Document.prototype.hasFocus;
  Document.prototype.hasFocus = function () { return !hidden && hasFocus.call(this); };
  Object.defineProperty(window, "__wschaosVisibility", { value: (h) => {
    if (hidden === h) return false;
    hidden = h;
    if (h) window.dispatchEvent(new Event("blur"));
    document.dispatchEvent(new Event("visibilitychange"));
    if (!h) window.dispatchEvent(new Event("focus"));
    return true;
  } });
})();`;

function flags() {
  const f = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic"];
  if (process.env.WSCHAOS_CA_SPKI) f.push("--ignore-certificate-errors-spki-list=" + process.env.WSCHAOS_CA_SPKI);
  for (const x of (process.env.WSCHAOS_CHROMIUM_FLAGS || "").split(/\s+/)) if (x) f.push(x);
  return f;
}

function pageUrl(base, inst) {
  const u = new URL(base);
  const q = Object.assign({}, config.query || {}, { WSCHAOS_URL: inst.url, WSCHAOS_INSTANCE: String(inst.instance) });
  for (const [k, v] of Object.entries(q)) u.searchParams.set(k, String(v));
  return u.toString();
}

async function main() {
  const pw = loadPlaywright();
  if (!pw) return fatal("playwright-core is missing: run `npm install playwright-core` (npm ci) in " + process.cwd());
  if (!fs.existsSync(CHROMIUM)) return fatal(CHROMIUM + " is missing: install Debian's chromium (apt-get install chromium), or set WSCHAOS_CHROMIUM");
  let base;
  if (config.page) {
    const file = path.resolve(config.page);
    if (!fs.existsSync(file)) return fatal("the page " + config.page + " does not exist (" + file + ")");
    server = await serve(path.dirname(file));
    base = "http://127.0.0.1:" + server.address().port + "/" + encodeURIComponent(path.basename(file));
  } else {
    base = config.url;
  }
  try {
    browser = await pw.chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 30000, args: flags() });
  } catch (e) {
    return fatal("Chromium (" + CHROMIUM + ") did not start: " + String(e.message || e).split("\n")[0]);
  }
  browser.on("disconnected", () => { if (!closing) fatal("Chromium exited during the run"); });
  out({ event: "browser", pids: descendants(process.pid), version: browser.version() });
  // The runner starts the scenario clock once the browser runs, then says open: Chromium's start-up
  // (seconds on a busy machine) does not eat into the scenario's duration.
  await opened;
  for (const inst of config.instances) {
    const context = await browser.newContext();
    await context.addInitScript({ content: "window.WSCHAOS_URL = " + JSON.stringify(inst.url) + ";\n" + VISIBILITY });
    const page = await context.newPage();
    const i = inst.instance;
    page.on("console", (m) => out({ event: "console", instance: i, level: m.type(), text: m.text() }));
    page.on("pageerror", (e) => out({ event: "pageerror", instance: i, text: "Uncaught " + String(e && e.stack ? e.stack.split("\n")[0] : e) }));
    page.on("crash", () => out({ event: "crash", instance: i }));
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.enable");
    pages.set(i, { page, cdp, offline: new Set(), throttled: new Map(), hidden: new Set(), frozen: new Set() });
    const url = pageUrl(base, inst);
    try {
      const res = await page.goto(url, { timeout: 20000, waitUntil: "load" });
      if (res && res.status() >= 400) return fatal("the page " + url + " answered HTTP " + res.status());
    } catch (e) {
      return fatal("the page " + url + " could not be opened: " + String(e.message || e).split("\n")[0]);
    }
    out({ event: "ready", instance: i, url });
  }
  out({ event: "pids", pids: descendants(process.pid) }); // with the renderers of the pages
}

// ---- device faults: each page's state is the union of the faults active on it ----

async function network(p) {
  const t = [...p.throttled.values()].pop();
  await p.cdp.send("Network.emulateNetworkConditions", {
    offline: p.offline.size > 0,
    latency: t ? t.latency_ms : 0,
    downloadThroughput: t ? t.download_bps : -1,
    uploadThroughput: t ? t.upload_bps : -1,
  });
}

async function visibility(p, hidden) {
  await p.page.evaluate((h) => window.__wschaosVisibility && window.__wschaosVisibility(h), hidden);
}

async function apply(p, c) {
  const id = c.fault;
  switch (c.condition) {
    case "OFFLINE":
      c.on ? p.offline.add(id) : p.offline.delete(id);
      await network(p);
      return c.on ? "network offline: navigator.onLine false, new connections fail" : "network online";
    case "THROTTLED":
      c.on ? p.throttled.set(id, c.params) : p.throttled.delete(id);
      await network(p);
      return c.on ? "network " + c.params.latency_ms + " ms latency, " + c.params.download_bps + " B/s down, " + c.params.upload_bps + " B/s up" : "network unthrottled";
    case "HIDDEN": {
      const was = p.hidden.size + p.frozen.size > 0;
      c.on ? p.hidden.add(id) : p.hidden.delete(id);
      const now = p.hidden.size + p.frozen.size > 0;
      if (was !== now) await visibility(p, now);
      return c.on ? "page hidden: visibilitychange (hidden)" : now ? "still hidden by another fault" : "page visible: visibilitychange (visible)";
    }
    case "FROZEN": {
      if (c.on) {
        const first = p.frozen.size === 0;
        p.frozen.add(id);
        if (first) {
          if (p.hidden.size === 0) await visibility(p, true);
          await p.page.evaluate(() => document.dispatchEvent(new Event("freeze")));
          // the debugger only while frozen: a page's own `debugger;` statements stay harmless otherwise
          await p.cdp.send("Debugger.enable");
          await p.cdp.send("Debugger.pause");
        }
        return "page hidden and frozen: visibilitychange (hidden), freeze; no script runs";
      }
      p.frozen.delete(id);
      if (p.frozen.size === 0) {
        await p.cdp.send("Debugger.resume").catch(() => {});
        await p.cdp.send("Debugger.disable").catch(() => {});
        await p.page.evaluate((stillHidden) => {
          document.dispatchEvent(new Event("resume"));
          if (!stillHidden && window.__wschaosVisibility) window.__wschaosVisibility(false);
        }, p.hidden.size > 0);
        return "page resumed: resume, visibilitychange (visible)";
      }
      return "still frozen by another fault";
    }
    default:
      throw new Error("unknown condition " + c.condition);
  }
}

const queues = new Map(); // instance -> promise: one page's commands run in order
function command(line) {
  let c;
  try {
    c = JSON.parse(line);
  } catch (e) {
    return out({ event: "device_error", message: "not JSON: " + line });
  }
  if (c.cmd === "open") return openNow();
  if (c.cmd !== "set") return out({ event: "device_error", message: "unknown command " + c.cmd });
  const targets = c.instance ? [c.instance] : [...pages.keys()];
  for (const i of targets) {
    const p = pages.get(i);
    if (!p) { out({ event: "device_error", instance: i, fault: c.fault, message: "no page for instance " + i }); continue; }
    const prev = queues.get(i) || Promise.resolve();
    const next = prev.then(() => apply(p, c)).then(
      (detail) => out({ event: "device", instance: i, fault: c.fault, name: c.name, condition: c.condition, on: c.on, detail }),
      (e) => out({ event: "device_error", instance: i, fault: c.fault, name: c.name, condition: c.condition, on: c.on, message: String(e.message || e).split("\n")[0] }));
    queues.set(i, next);
  }
}

setTimeout(() => {}, 1 << 30);
const started = main().catch((e) => fatal("browser driver: " + String(e && e.message || e)));
