package io.wschaos.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Part 3: how exactly a 100 ms {@code delay} holds a message, and how exactly {@code at:} and
 * {@code every:} triggers fire, on each socket transport (NIO, native epoll).
 *
 * <p>One proxy per transport, in front of the echo server, started with the delay toward the client
 * and {@value #AT_TRIGGERS} time triggers ({@code at: 5000ms}, {@code 5100ms}, …), plus one
 * repeating trigger, writing its timeline to a JSONL file. Load (i) runs through it (1 link, 1
 * message in flight, 64 B), so the triggers fire while the proxy relays. The delay's error is
 * measured twice: by the client (round trip − direct round trip − 100 ms) and by the proxy's own
 * timeline (egress − ingress − 100 ms per message). The trigger faults drop pongs toward the
 * server, and the load sends no pings, so they touch no message: their {@code started} events on
 * the timeline are all they leave.
 *
 * <p>The timeline is read as JSON lines with Vert.x's parser (the bench package depends on no other
 * wschaos package, ArchitectureTest); the fields used are those of docs/timeline.md, schema v1.
 */
final class FaultTiming implements BenchSuite.Part {
  static final long BY_MICROS = 100_000;
  static final int AT_TRIGGERS = 40;
  static final long FIRST_AT_MILLIS = 5_000;
  static final long AT_STEP_MILLIS = 100;
  static final long EVERY_AT_MILLIS = 5_060;
  static final long EVERY_MILLIS = 200;
  static final String DELAY_FAULT = "{id: delay, delay: {to: client, by: 100ms}}";

  final JsonArray results = new JsonArray();
  /** Load (i) straight to the echo server, paced like the delayed load (one message per ~100 ms). */
  JsonObject direct;
  /** Load (i) straight to the echo server, back to back (as in part 1), for comparison. */
  JsonObject directHot;

  public String title() {
    return "3. Fault timing";
  }

  static String atFault(int k) {
    return "{id: at" + k + ", at: " + atMillis(k) + "ms, for: 30ms, drop: {to: server, frames: pong}}";
  }

  static long atMillis(int k) {
    return FIRST_AT_MILLIS + k * AT_STEP_MILLIS;
  }

  static String everyFault() {
    return "{id: every, at: " + EVERY_AT_MILLIS + "ms, every: " + EVERY_MILLIS + "ms, for: 30ms, drop: {to: server, frames: pong}}";
  }

  public void run(BenchSuite s) throws Exception {
    if (!s.opt.faultTiming) {
      return;
    }
    // The client's own round trip without a proxy, to take out of the client-side figure. Through
    // the delay every round trip starts after ~100 ms of idle threads (client, echo server), and a
    // thread woken from idle answers later than one kept busy, so the baseline is paced the same way.
    URI echo = URI.create("ws://127.0.0.1:" + s.echoPort + "/bench");
    directHot = s.gen.run(echo, new LoadGenerator.Load("i", 1, 1, 64, true), new LoadGenerator.Timing(0.3, 1.0, 1_000_000),
        BenchSuite.NO_PROBE);
    direct = s.gen.run(echo, new LoadGenerator.Load("i-paced", 1, 1, 64, true, BY_MICROS / 1000),
        new LoadGenerator.Timing(0.3, 3.0, 1_000_000), BenchSuite.NO_PROBE);
    BenchSuite.log("fault timing: direct RTT p50 %.1f µs back to back, %.1f µs paced (one per 100 ms, %d samples)",
        directHot.getDouble("rttP50Micros", Double.NaN), direct.getDouble("rttP50Micros", Double.NaN), direct.getLong("rttSamples", 0L));
    if (!direct.getBoolean("ok", false)) {
      throw new IOException("the direct baseline failed: " + direct.getString("error"));
    }
    for (String transport : s.opt.faultTransports) {
      s.checkTime("fault timing on " + transport);
      JsonObject r = new JsonObject().put("transport", transport);
      results.add(r);
      try {
        measure(s, transport, r);
        BenchSuite.log("fault timing %s: client %s, timeline %s, at %s, every %s", transport, r.getJsonObject("clientErrorMs"),
            r.getJsonObject("timelineErrorMs"), r.getJsonObject("atErrorMs"), r.getJsonObject("everyIntervalErrorMs"));
      } catch (Exception e) {
        r.put("error", e.getMessage());
        s.notes.add("fault timing on " + transport + ": " + BenchSuite.firstLine(e.getMessage()));
        BenchSuite.log("fault timing %s failed: %s", transport, e);
      }
    }
  }

  private void measure(BenchSuite s, String transport, JsonObject r) throws Exception {
    String tag = "faults-" + transport;
    Path ready = s.opt.work.resolve(tag + ".port");
    Path timeline = s.opt.work.resolve(tag + ".jsonl");
    Files.deleteIfExists(ready);
    Files.deleteIfExists(timeline);
    List<String> cmd = new ArrayList<>(List.of(BenchSuite.javaExe()));
    cmd.addAll(BenchSuite.PROXY_JVM_FLAGS);
    cmd.addAll(s.opt.proxyJavaOpts);
    cmd.addAll(List.of("-jar", s.opt.jar.toString(), "proxy", "--listen", "127.0.0.1:0", "--upstream",
        "ws://127.0.0.1:" + s.echoPort, "--level", "meta", "--api", "off", "--ready-file", ready.toString(),
        "--timeline", timeline.toString(), "--transport", transport, "--fault", DELAY_FAULT));
    for (int k = 0; k < AT_TRIGGERS; k++) {
      cmd.add("--fault");
      cmd.add(atFault(k));
    }
    cmd.add("--fault");
    cmd.add(everyFault());
    r.put("command", String.join(" ", cmd.subList(0, Math.min(cmd.size(), cmd.indexOf(DELAY_FAULT) + 1)))
        + " --fault '" + atFault(0) + "' … (" + AT_TRIGGERS + " of them, 100 ms apart) --fault '" + everyFault() + "'");
    Procs.Managed proxy = Procs.start(tag, cmd, s.opt.work.resolve("logs/" + tag + ".log"));
    long spawned = System.nanoTime();
    JsonObject run;
    ConcurrentLinkedQueue<Long> rtts = new ConcurrentLinkedQueue<>();
    try {
      int port = Procs.awaitPortFile(proxy, ready, Duration.ofSeconds(30));
      r.put("transportUsed", transportLine(proxy.log));
      // Enough measured time for the asked number of messages at ~100 ms each, and at least until the
      // last at: trigger (the proxy's clock starts after the spawn, so this errs long).
      double lastAt = atMillis(AT_TRIGGERS - 1) / 1000.0 + 1.0;
      double sinceSpawn = (System.nanoTime() - spawned) / 1e9;
      double measureSecs = Math.max(s.opt.faultMessages * (BY_MICROS / 1e6 + 0.002), lastAt - sinceSpawn);
      run = s.gen.run(URI.create("ws://127.0.0.1:" + port + "/bench"), new LoadGenerator.Load("fault-delay", 1, 1, 64, true),
          new LoadGenerator.Timing(0.5, measureSecs, 1_000_000), BenchSuite.NO_PROBE, rtts::add);
      r.put("run", run);
      // The every: trigger keeps firing until the proxy stops; the at: ones must all have fired.
      long waitUntil = spawned + (long) ((lastAt + 2.0) * 1e9);
      while (System.nanoTime() < waitUntil) {
        Thread.sleep(100);
      }
    } finally {
      proxy.stop(Duration.ofSeconds(15)); // SIGTERM: the proxy closes the timeline file, flushed
    }
    r.put("exitCode", proxy.process.exitValue());
    if (!run.getBoolean("ok", false)) {
      throw new IOException("the load through the delaying proxy failed: " + run.getString("error"));
    }
    double directMicros = direct.getDouble("rttP50Micros");
    List<Double> client = new ArrayList<>();
    for (long ns : rtts) {
      client.add((ns / 1e3 - directMicros - BY_MICROS) / 1000.0);
    }
    r.put("clientErrorMs", stats(client));
    analyse(timeline, run.getLong("warmupMessages", 0L), run.getLong("messages", 0L), r);
  }

  private static String transportLine(Path log) throws IOException {
    for (String line : Files.readAllLines(log)) {
      int i = line.indexOf("transport: ");
      if (line.startsWith("wschaos proxy:") && i >= 0) {
        return line.substring(i + "transport: ".length()).replace(")", "").trim();
      }
    }
    return "?";
  }

  /** Reads the proxy's timeline: delay errors per message, trigger errors per firing. */
  static void analyse(Path file, long warmup, long measured, JsonObject r) throws IOException {
    Map<Long, Map<Long, Long>> ingress = new HashMap<>(); // link → message id → t (µs), toward the client
    Map<Long, Map<Long, Long>> toServer = new HashMap<>(); // link → message id → t (µs), toward the server
    Map<Long, Map<Long, Long>> delayed = new HashMap<>();
    Map<Long, Map<Long, Long>> egress = new HashMap<>();
    Map<String, List<long[]>> started = new LinkedHashMap<>(); // fault id → (t, link) of each started event
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      long n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        JsonObject e = new JsonObject(line);
        if (e.getInteger("v", 0) != 1) {
          throw new IOException(file + " line " + n + ": timeline schema v=" + e.getValue("v") + ", this bench reads v=1");
        }
        long t = Math.round(e.getDouble("t") * 1000);
        long link = e.getLong("link", 0L);
        String kind = e.getString("kind");
        if ("message".equals(kind) && "client".equals(e.getString("to"))) {
          ingress.computeIfAbsent(link, x -> new HashMap<>()).put(e.getLong("id"), t);
        } else if ("message".equals(kind) && "server".equals(e.getString("to"))) {
          toServer.computeIfAbsent(link, x -> new HashMap<>()).put(e.getLong("id"), t);
        } else if ("egress".equals(kind) && "client".equals(e.getString("to")) && e.getInteger("copy", 0) == 0) {
          egress.computeIfAbsent(link, x -> new HashMap<>()).put(e.getLong("id"), t);
        } else if ("fault".equals(kind)) {
          if ("delayed".equals(e.getString("action")) && e.getLong("message") != null) {
            delayed.computeIfAbsent(link, x -> new HashMap<>()).put(e.getLong("message"), t);
          } else if ("started".equals(e.getString("action"))) {
            started.computeIfAbsent(e.getString("fault"), x -> new ArrayList<>()).add(new long[] {t, link});
          }
        }
      }
    }
    // The load's link is the one that carried the most messages; its first `warmup` echoes were the warm-up.
    long loadLink = -1;
    for (Map.Entry<Long, Map<Long, Long>> l : ingress.entrySet()) {
      if (loadLink < 0 || l.getValue().size() > ingress.get(loadLink).size()) {
        loadLink = l.getKey();
      }
    }
    List<Double> total = new ArrayList<>();
    List<Double> timer = new ArrayList<>();
    List<Double> beforeFault = new ArrayList<>();
    List<Double> upstreamHop = new ArrayList<>();
    long missing = 0;
    if (loadLink >= 0) {
      Map<Long, Long> in = ingress.get(loadLink);
      Map<Long, Long> out = egress.getOrDefault(loadLink, Map.of());
      Map<Long, Long> held = delayed.getOrDefault(loadLink, Map.of());
      for (long id = warmup + 1; id <= warmup + measured; id++) {
        Long t0 = in.get(id);
        Long t1 = out.get(id);
        if (t0 == null || t1 == null) {
          missing++;
          continue;
        }
        total.add((t1 - t0 - BY_MICROS) / 1000.0);
        // With one message in flight and an echo, message k toward the server comes back as message k
        // toward the client: the gap is the proxy → echo server → proxy hop, undelayed.
        Long ts = toServer.getOrDefault(loadLink, Map.of()).get(id);
        if (ts != null) {
          upstreamHop.add((t0 - ts) / 1000.0);
        }
        Long th = held.get(id);
        if (th != null) {
          timer.add((t1 - th - BY_MICROS) / 1000.0);
          beforeFault.add((th - t0) / 1000.0);
        }
      }
    }
    r.put("timelineErrorMs", stats(total)).put("timerErrorMs", stats(timer)).put("ingressToFaultMs", stats(beforeFault))
        .put("upstreamHopMs", stats(upstreamHop))
        .put("messagesWithoutEgress", missing).put("loadLink", loadLink);

    // In proxy mode the engine's origin (at: 0) is when the proxy listens, which the timeline does not
    // record. Every trigger firing is late against origin + nominal time by its own timer only (at:
    // triggers, and every: firing k armed for at + k × every), so the least of (t − nominal) over all
    // firings is the origin plus the least lateness of any firing: errors against it understate the
    // true lateness by that least lateness (0.14–0.17 ms when the origin was still the timeline's t = 0).
    long at0 = EVERY_AT_MILLIS * 1000;
    long period = EVERY_MILLIS * 1000;
    List<long[]> everyStarts = new ArrayList<>(started.getOrDefault("every", List.of()));
    everyStarts.sort((x, y) -> Long.compare(x[0], y[0]));
    List<Long> firings = new ArrayList<>();
    for (long[] e : everyStarts) {
      // a link opened while a firing lasted gets a second started event within `for` of it, not a new firing
      if (firings.isEmpty() || e[0] - firings.get(firings.size() - 1) > period / 2) {
        firings.add(e[0]);
      }
    }
    List<long[]> everyOffsets = new ArrayList<>(); // k, t − (at + k × every)
    for (long t : firings) {
      long k = Math.max(0, Math.round((t - firings.get(0)) / (double) period));
      everyOffsets.add(new long[] {k, t - at0 - k * period});
    }
    long origin = Long.MAX_VALUE;
    for (long[] o : everyOffsets) {
      origin = Math.min(origin, o[1]);
    }
    for (int k = 0; k < AT_TRIGGERS; k++) {
      List<long[]> st = started.get("at" + k);
      if (st != null) {
        origin = Math.min(origin, st.get(0)[0] - atMillis(k) * 1000);
      }
    }
    if (origin == Long.MAX_VALUE) {
      origin = 0;
    }
    r.remove("faultsAddedAtMs"); // runs before the origin moved to the listen time used the delay's first start
    r.put("originEstimateMs", origin / 1000.0);
    List<Double> at = new ArrayList<>();
    int atOnLink = 0;
    int atMissing = 0;
    for (int k = 0; k < AT_TRIGGERS; k++) {
      List<long[]> st = started.get("at" + k);
      if (st == null) {
        atMissing++;
      } else {
        at.add((st.get(0)[0] - origin - atMillis(k) * 1000) / 1000.0);
        atOnLink += st.get(0)[1] != 0 ? 1 : 0;
      }
    }
    // The first trigger is also the first time the fault's code runs in this JVM (class loading, interpreter).
    List<long[]> first = started.get("at0");
    if (first != null && !at.isEmpty()) {
      r.put("atFirstErrorMs", (first.get(0)[0] - origin - atMillis(0) * 1000) / 1000.0);
      r.put("atErrorWithoutFirstMs", stats(at.subList(1, at.size())));
    }
    r.put("atErrorMs", stats(at)).put("atOnLink", atOnLink).put("atSkippedAsPast", 0).put("atMissing", atMissing);

    List<Double> interval = new ArrayList<>();
    for (int k = 1; k < firings.size(); k++) {
      interval.add((firings.get(k) - firings.get(k - 1) - period) / 1000.0);
    }
    List<Double> everyErr = new ArrayList<>();
    for (long[] o : everyOffsets) {
      everyErr.add((o[1] - origin) / 1000.0);
    }
    JsonObject every = new JsonObject().put("firings", firings.size());
    if (!everyOffsets.isEmpty()) {
      long[] last = everyOffsets.get(everyOffsets.size() - 1);
      every.put("lastFiring", last[0]).put("lastErrorMs", (last[1] - origin) / 1000.0)
          .put("firstErrorMs", (everyOffsets.get(0)[1] - origin) / 1000.0);
    }
    r.put("everyIntervalErrorMs", stats(interval)).put("everyErrorMs", stats(everyErr)).put("every", every);
  }

  /** n, p50, p99, max, min (nearest rank) of a list of errors in ms. */
  static JsonObject stats(List<Double> v) {
    JsonObject o = new JsonObject().put("n", v.size());
    if (v.isEmpty()) {
      return o;
    }
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    return o.put("p50", rank(s, 0.50)).put("p99", rank(s, 0.99)).put("max", s.get(s.size() - 1)).put("min", s.get(0));
  }

  private static double rank(List<Double> sorted, double q) {
    int i = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  public void report(BenchSuite s, StringBuilder md) {
    new Report(s).faultTiming(md, this);
  }

  void load(JsonObject o) {
    direct = o.getJsonObject("direct");
    directHot = o.getJsonObject("directHot");
    results.addAll(o.getJsonArray("results", new JsonArray()));
  }

  /** Analyses the kept timelines (DIR/faults-TRANSPORT.jsonl) again, for --render --reanalyse DIR. */
  void reanalyse(Path dir) throws IOException {
    for (int i = 0; i < results.size(); i++) {
      JsonObject r = results.getJsonObject(i);
      Path f = dir.resolve("faults-" + r.getString("transport") + ".jsonl");
      JsonObject run = r.getJsonObject("run");
      if (Files.exists(f) && run != null && r.getString("error") == null) {
        analyse(f, run.getLong("warmupMessages", 0L), run.getLong("messages", 0L), r);
        BenchSuite.log("re-analysed %s: at %s, every %s", f, r.getJsonObject("atErrorMs"), r.getJsonObject("everyErrorMs"));
      }
    }
  }

  public JsonObject json() {
    return new JsonObject().put("part", title()).put("direct", direct).put("directHot", directHot).put("results", results)
        .put("delayFault", DELAY_FAULT).put("atFault", atFault(0)).put("everyFault", everyFault());
  }
}
