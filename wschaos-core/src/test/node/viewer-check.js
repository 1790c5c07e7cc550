#!/usr/bin/env node
// Drives headless Chromium (Debian's /usr/bin/chromium, through playwright-core) over the wschaos
// timeline viewer, for io.wschaos.viewer.ViewerBrowserTest. Never downloads a browser.
//
//   node wschaos-core/src/test/node/viewer-check.js report FILE SHOT_DIR     lanes, close codes, a failed verdict's evidence, hover
//   node wschaos-core/src/test/node/viewer-check.js xss FILE SHOT_DIR SEQ    the hostile message shows as text, nothing runs
//   node wschaos-core/src/test/node/viewer-check.js perf FILE SHOT_DIR       first paint, re-render after zoom
//   node wschaos-core/src/test/node/viewer-check.js live UI_URL SHOT_DIR WS_URL   the live view and the fault form
//
// Prints one JSON object per line ({"event":...}); the last is {"event":"done"} or {"event":"error"}.
// Exits when done, on error, or when stdin closes (the Java test went away); every wait is bounded.
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");
const WebSocket = require("ws");

const CHROMIUM = process.env.WSCHAOS_CHROMIUM || "/usr/bin/chromium";
const [mode, target, shotDir, extra] = process.argv.slice(2);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");
let context = null, userDataDir = null;

async function cleanup() {
  if (context) { const c = context; context = null; await c.close().catch(() => {}); }
  if (userDataDir) { fs.rmSync(userDataDir, { recursive: true, force: true }); userDataDir = null; }
}
process.stdin.on("end", async () => { await cleanup(); process.exit(3); });
process.stdin.resume();
setTimeout(async () => { out({ event: "error", message: "viewer-check: overall timeout" }); await cleanup(); process.exit(4); }, 75000).unref();

// Every process below `root`, from /proc: the browser tree the Java test checks is gone afterwards.
function descendants(root) {
  const parent = new Map();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try { const st = fs.readFileSync("/proc/" + d + "/stat", "utf8"); parent.set(Number(d), Number(st.slice(st.lastIndexOf(")") + 2).split(" ")[1])); } catch (_) {}
  }
  const out = [], todo = [root];
  while (todo.length) { const p = todo.pop(); for (const [c, pp] of parent) if (pp === p) { out.push(c); todo.push(c); } }
  return out;
}

async function browser() {
  userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "wschaos-chromium-"));
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 30000,
    viewport: { width: 1400, height: 800 },
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  out({ event: "browser", pids: descendants(process.pid) });
  const page = context.pages()[0] || (await context.newPage());
  page.setDefaultTimeout(15000);
  const dialogs = [], errors = [], requests = [];
  page.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => requests.push(r.url()));
  return { page, dialogs, errors, requests };
}

async function report() {
  const { page, errors, requests } = await browser();
  await page.goto("file://" + path.resolve(target));
  await page.waitForFunction(() => window.wschaos && window.wschaos.firstPaintMs() != null);
  const lanes = await page.evaluate(() => window.wschaos.lanes());
  const laneLabels = await page.$$eval(".lane-label", (ds) => ds.map((d) => ({ link: Number(d.dataset.link), text: d.textContent })));
  const labels = await page.evaluate(() => window.wschaos.labels());
  out({ event: "lanes", lanes, laneLabels, labels });
  await page.screenshot({ path: path.join(shotDir, "report.png") });
  const failed = await page.$(".verdict.fail, .verdict.undecided");
  if (!failed) throw new Error("no failed verdict in the page");
  const expectation = await failed.getAttribute("data-expectation");
  const viewBefore = await page.evaluate(() => window.wschaos.view());
  await failed.click();
  const selected = await page.evaluate(() => {
    const S = window.wschaos.state, v = window.wschaos.view();
    const hl = window.wschaos.highlighted();
    return { highlighted: hl, view: v, inView: hl.map((s) => { const e = S.bySeq.get(s); return !!e && e.t >= v[0] && e.t <= v[1]; }),
      evidenceItems: [...document.querySelectorAll("#evidence li")].map((li) => li.textContent),
      selectedClass: document.querySelector(".verdict.selected") && document.querySelector(".verdict.selected").dataset.expectation };
  });
  out({ event: "selected", expectation, viewBefore, ...selected });
  await page.screenshot({ path: path.join(shotDir, "report-verdict.png") });
  // hover the first evidence event: the tooltip shows its details
  if (selected.highlighted.length) {
    const p = await page.evaluate((s) => window.wschaos.pointOf(s), selected.highlighted[0]);
    if (p) { await page.mouse.move(p.x, p.y); }
    const tip = await page.evaluate(() => ({ shown: getComputedStyle(document.getElementById("tip")).display !== "none", text: document.getElementById("tip").textContent }));
    out({ event: "hover", ...tip });
    await page.screenshot({ path: path.join(shotDir, "report-hover.png") });
  }
  out({ event: "page", errors, external: requests.filter((u) => !u.startsWith("file:") && !u.startsWith("data:")) });
}

async function xss() {
  const { page, dialogs, errors, requests } = await browser();
  await page.goto("file://" + path.resolve(target));
  await page.waitForFunction(() => window.wschaos && window.wschaos.firstPaintMs() != null);
  const seq = Number(extra);
  await page.evaluate((s) => { const e = window.wschaos.state.bySeq.get(s); window.wschaos.state.view = [e.t - 5, e.t + 5]; window.wschaos.render(); }, seq);
  const p = await page.evaluate((s) => window.wschaos.pointOf(s), seq);
  await page.mouse.move(p.x, p.y);
  await page.waitForTimeout(300);
  const r = await page.evaluate(() => ({ tip: document.getElementById("tip").textContent, imgs: document.querySelectorAll("img").length,
    scripts: document.querySelectorAll("script").length, xssFlag: !!window.__xss }));
  await page.screenshot({ path: path.join(shotDir, "xss.png") });
  out({ event: "xss", ...r, dialogs, errors, external: requests.filter((u) => !u.startsWith("file:")) });
}

async function perf() {
  const { page, errors } = await browser();
  const t0 = Date.now();
  await page.goto("file://" + path.resolve(target), { timeout: 30000 });
  await page.waitForFunction(() => window.wschaos && window.wschaos.firstPaintMs() != null, null, { timeout: 30000 });
  const wall = Date.now() - t0;
  const inPage = await page.evaluate(() => window.wschaos.firstPaintMs());
  const events = await page.evaluate(() => window.wschaos.state.events.length);
  const zooms = [];
  for (const f of [4, 4, 0.25, 0.25, 16, 1 / 16]) {
    const z0 = Date.now();
    const renderMs = await page.evaluate((f) => window.wschaos.zoom(f), f);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r())));
    zooms.push({ factor: f, renderMs, roundTripMs: Date.now() - z0 });
  }
  await page.screenshot({ path: path.join(shotDir, "perf.png") });
  out({ event: "perf", firstPaintWallMs: wall, firstPaintInPageMs: inPage, events, zooms, errors });
}

function rtt(ws, text) {
  return new Promise((resolve, reject) => {
    const t = Date.now();
    const timer = setTimeout(() => reject(new Error("no echo within 5 s")), 5000);
    ws.once("message", () => { clearTimeout(timer); resolve(Date.now() - t); });
    ws.send(text);
  });
}

async function live() {
  const { page, errors } = await browser();
  await page.goto(target);
  await page.waitForFunction(() => document.getElementById("outcome").textContent === "live", null, { timeout: 10000 });
  const ws = new WebSocket(extra);
  await new Promise((res, rej) => { ws.once("open", res); ws.once("error", rej); setTimeout(() => rej(new Error("ws open timeout")), 5000); });
  const before = [];
  for (let i = 0; i < 3; i++) before.push(await rtt(ws, "before-" + i));
  await page.waitForFunction(() => window.wschaos.lanes().length >= 1 && document.querySelectorAll("#links tbody tr").length >= 1, null, { timeout: 10000 });
  const lanes = await page.evaluate(() => window.wschaos.lanes());
  const liveLinks = await page.$$eval("#links tbody tr", (rs) => rs.map((r) => r.dataset.link));
  // the form: pick delay, fill its fields as a person would
  const faultNames = await page.$$eval("#faultName option", (os) => os.map((o) => o.value));
  await page.selectOption("#faultName", "delay");
  const fieldNames = await page.$$eval("#faultFields [name]", (is) => is.map((i) => i.name));
  const to = await page.$("#faultFields select[name=to]");
  if (to) await to.selectOption({ label: "client" }); else await page.fill("#faultFields input[name=to]", "client");
  await page.fill("#faultFields input[name=by]", "300ms");
  await page.fill("#faultFields input[name=id]", "ui-delay");
  await page.click("#faultAdd");
  await page.waitForFunction(() => document.querySelector("#faults tbody tr[data-fault='ui-delay']") || document.getElementById("faultError").textContent, null, { timeout: 5000 });
  const formError = await page.evaluate(() => document.getElementById("faultError").textContent);
  const after = [];
  for (let i = 0; i < 3; i++) after.push(await rtt(ws, "after-" + i));
  await page.waitForTimeout(1200); // one refresh of the panels, and the fault marks on the view
  await page.screenshot({ path: path.join(shotDir, "live.png") });
  const faultRows = await page.$$eval("#faults tbody tr", (rs) => rs.map((r) => r.dataset.fault));
  const marks = await page.evaluate(() => [...window.wschaos.state.links.values()].reduce((n, l) => n + l.marks.length, 0));
  // remove it again from the panel
  await page.click("#faults tbody tr[data-fault='ui-delay'] button.remove");
  await page.waitForFunction(() => !document.querySelector("#faults tbody tr[data-fault='ui-delay']"), null, { timeout: 5000 });
  const removed = [];
  for (let i = 0; i < 2; i++) removed.push(await rtt(ws, "removed-" + i));
  ws.close();
  out({ event: "live", lanes, liveLinks, faultNames, fieldNames, formError, before, after, removed, faultRows, marks, errors });
}

(async () => {
  try {
    fs.mkdirSync(shotDir, { recursive: true });
    if (mode === "report") await report();
    else if (mode === "xss") await xss();
    else if (mode === "perf") await perf();
    else if (mode === "live") await live();
    else throw new Error("unknown mode " + mode);
    await cleanup();
    out({ event: "done" });
    process.exit(0);
  } catch (e) {
    out({ event: "error", message: String(e && e.stack || e) });
    await cleanup();
    process.exit(1);
  }
})();
