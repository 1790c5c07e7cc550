package io.wschaos.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.HdrHistogram.Histogram;

/**
 * The reliability run behind {@code make soak} (docs/reliability.md): a soak, a reconnect storm and a
 * leak check after each, every process started here on 127.0.0.1 and stopped by its pid.
 *
 * <ul>
 *   <li><b>Soak</b>: {@code --links} links × {@code --messages} numbered messages through {@code
 *       wschaos proxy} (its own process, the fat jar) to the echo server, while delay, throttle,
 *       stall, reorder and duplicate are added and removed every few hundred ms through the control
 *       API. The client's ledger (every number back exactly once, in order, intact) is checked against
 *       the proxy's own timeline: every extra copy must be a {@code duplicated} fault event, every
 *       out-of-order arrival a {@code reordered} one. Proxy RSS from /proc once a second; every API
 *       call's latency in an HdrHistogram.
 *   <li><b>Storm</b>: {@code wschaos run} with a scenario whose every link is closed at once, and a
 *       client ({@link LoadGenerator#storm}) that reconnects in a hot loop; the report it writes is
 *       opened in headless Chromium.
 *   <li><b>Leak check</b> after each: live links (API), threads (jcmd and /proc), file descriptors
 *       (/proc/PID/fd) and idle CPU, against the figures before the load.
 * </ul>
 *
 * <pre>java -cp target/wschaos.jar io.wschaos.bench.Soak [--links 100] [--messages 100000] [--quick] [--out docs/reliability.md]</pre>
 */
public final class Soak {
  /**
   * The proxy's JVM flags: a fixed 1 GiB heap, touched at start. With the benchmark's {@code -Xms64m
   * -Xmx3g} the Parallel GC keeps growing the heap for minutes under this allocation rate, and even a
   * fixed heap's pages join RSS only as the collector first uses them; so RSS would measure the
   * collector, not what the proxy keeps. Pre-touched, a growing RSS is off-heap.
   */
  static final List<String> PROXY_FLAGS = List.of("-XX:+UseParallelGC", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch");

  static final String BEGIN = "<!-- make soak: begin (generated, do not edit by hand) -->";
  static final String END = "<!-- make soak: end -->";

  int links = 100;
  int messages = 100_000;
  int inFlight = 16;
  int size = 64;
  /**
   * The soak's pace (--rate), messages a second over all links; 0 is closed-loop at full speed, which
   * saturates a 2-core machine and so measures CPU starvation, not the proxy (docs/reliability.md).
   */
  double rate = 0;
  /** The soak's time budget: 10 M messages do not fit 15 minutes on a busy 2-core machine, so it stops sending here. */
  double soakMaxSeconds = 420;
  String fuzz;
  int fuzzTries;
  int fuzzSeconds;
  double stormSeconds = 25;
  int stormParallel = 192;
  boolean storm = true;
  Path work = Path.of("target/soak");
  Path jar = Path.of("target/wschaos.jar");
  Path out = Path.of("docs/reliability.md");
  /** Records a flight recording of the soak proxy here (--jfr), to see where its time goes. */
  Path jfr;
  /** The soak proxy's garbage collector flags (--proxy-gc), in place of PROXY_FLAGS' first. */
  List<String> proxyGc;
  String command = "make soak";
  long seed = 20261202;

  final JsonObject results = new JsonObject();
  final List<String> failures = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    Soak s = new Soak();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--links" -> s.links = Integer.parseInt(args[++i]);
        case "--messages" -> s.messages = Integer.parseInt(args[++i]);
        case "--in-flight" -> s.inFlight = Integer.parseInt(args[++i]);
        case "--rate" -> s.rate = Double.parseDouble(args[++i]);
        case "--soak-max-seconds" -> s.soakMaxSeconds = Double.parseDouble(args[++i]);
        case "--storm-seconds" -> s.stormSeconds = Double.parseDouble(args[++i]);
        case "--storm-parallel" -> s.stormParallel = Integer.parseInt(args[++i]);
        case "--skip-storm" -> s.storm = false;
        case "--fuzz" -> s.fuzz = args[++i];
        case "--fuzz-tries" -> s.fuzzTries = Integer.parseInt(args[++i]);
        case "--fuzz-seconds" -> s.fuzzSeconds = Integer.parseInt(args[++i]);
        case "--quick" -> {
          s.links = 20;
          s.messages = 5_000;
          s.stormSeconds = 8;
          s.soakMaxSeconds = 60;
        }
        case "--out" -> s.out = Path.of(args[++i]);
        case "--work" -> s.work = Path.of(args[++i]);
        case "--jar" -> s.jar = Path.of(args[++i]);
        case "--command" -> s.command = args[++i];
        case "--jfr" -> s.jfr = Path.of(args[++i]);
        case "--proxy-gc" -> s.proxyGc = List.of(args[++i].split(" "));
        default -> {
          System.err.println("Soak: unknown option " + args[i] + "\noptions: --links N --messages N --in-flight N --rate MSGS_PER_S --soak-max-seconds S"
              + " --storm-seconds S --storm-parallel N --skip-storm --quick --out FILE --work DIR --jar JAR --command TEXT --jfr FILE --proxy-gc 'FLAGS'");
          System.exit(2);
        }
      }
    }
    if (s.links < 1 || s.links > 1_000 || s.messages < 1 || s.messages > 1_000_000 || s.soakMaxSeconds > 780 || s.stormSeconds > 60
        || !(s.rate >= 0 && s.rate <= 10_000_000)) {
      System.err.println("Soak: bounded runs only: 1-1000 links, 1-1 000 000 messages each, --soak-max-seconds <= 780, --storm-seconds <= 60,"
          + " --rate 0 (full speed) to 10 000 000 messages a second");
      System.exit(2);
    }
    int code;
    try {
      code = s.runAll();
    } finally {
      Procs.stopAll();
    }
    System.exit(code);
  }

  int runAll() throws Exception {
    Files.createDirectories(work);
    Instant started = Instant.now();
    results.put("startedAt", started.toString()).put("command", command)
        .put("machine", new JsonObject().put("nproc", Runtime.getRuntime().availableProcessors()).put("loadBefore", Procs.loadAverage())
            .put("cpu", cpuModel()).put("java", System.getProperty("java.vm.version")));
    if (fuzz != null) {
      results.put("fuzz", new JsonObject().put("result", fuzz).put("triesPerProperty", fuzzTries).put("seconds", fuzzSeconds));
      if (!"passed".equals(fuzz)) {
        failures.add("fuzz: the fuzz tests failed (target/soak-fuzz.log)");
      }
    }
    Procs.Managed echo = startEcho();
    try (LoadGenerator gen = new LoadGenerator(2)) {
      soak(gen, echo);
      if (storm) {
        proxyStorm(gen);
        storm();
      }
    } finally {
      echo.stop(Duration.ofSeconds(3));
    }
    results.put("finishedAt", Instant.now().toString()).put("seconds", Duration.between(started, Instant.now()).toSeconds());
    results.getJsonObject("machine").put("loadAfter", Procs.loadAverage());
    results.put("failures", new JsonArray(failures));
    Files.writeString(work.resolve("soak.json"), results.encodePrettily());
    writeReport();
    log("%s; wrote %s", failures.isEmpty() ? "all checks held" : failures.size() + " checks FAILED: " + failures, out);
    return failures.isEmpty() ? 0 : 1;
  }

  // ---------------------------------------------------------------- soak

  void soak(LoadGenerator gen, Procs.Managed echo) throws Exception {
    int apiPort = Procs.freePort();
    Path timeline = work.resolve("soak-timeline.jsonl");
    Files.deleteIfExists(timeline);
    Path ready = work.resolve("soak-proxy.port");
    Files.deleteIfExists(ready);
    List<String> cmd = new ArrayList<>(List.of(BenchSuite.javaExe()));
    if (proxyGc == null) {
      cmd.addAll(PROXY_FLAGS);
    } else {
      cmd.addAll(proxyGc);
      cmd.addAll(PROXY_FLAGS.subList(1, PROXY_FLAGS.size()));
    }
    if (jfr != null) {
      cmd.add("-XX:StartFlightRecording=settings=profile,filename=" + jfr.toAbsolutePath());
    }
    cmd.addAll(List.of("-jar", jar.toString(), "proxy", "--listen", "127.0.0.1:0", "--upstream", "ws://127.0.0.1:" + echoPort,
        "--level", "counters", "--timeline", timeline.toString(), "--api", "127.0.0.1:" + apiPort, "--seed", Long.toString(seed),
        "--ready-file", ready.toString()));
    Procs.Managed proxy = Procs.start("soak proxy", cmd, work.resolve("logs/soak-proxy.log"));
    JsonObject r = new JsonObject().put("links", links).put("messagesPerLink", messages).put("inFlight", inFlight).put("size", size).put("rate", rate)
        .put("proxyCommand", String.join(" ", cmd).replace(Path.of("").toAbsolutePath() + "/", ""));
    results.put("soak", r);
    Api api = new Api(apiPort);
    try {
      int port = Procs.awaitPortFile(proxy, ready, Duration.ofSeconds(30));
      Procs.awaitListening(proxy, apiPort, Duration.ofSeconds(10));
      // Before: one short warm-up run so that the figures below are of a proxy that has relayed.
      FaultDriver warm = new FaultDriver(api, new Random(seed + 1));
      warm.start();
      gen.numbered(URI.create("ws://127.0.0.1:" + port + "/warm"), 4, 5_000, 8, size, 30, n -> {});
      warm.stop();
      api.call("POST", "/api/reset", "");
      api.micros.reset(); // the warm-up's calls (class loading, JIT) are not the figure
      Thread.sleep(1_000);
      JsonObject before = leakFigures(proxy.pid(), api);
      r.put("before", before);

      RssSampler rss = new RssSampler(proxy.pid());
      rss.start();
      FaultDriver driver = new FaultDriver(api, new Random(seed));
      driver.start();
      long t0 = System.nanoTime();
      long total = (long) links * messages;
      List<LoadGenerator.Ledger> ledgers = gen.numbered(URI.create("ws://127.0.0.1:" + port + "/soak"), links, messages, inFlight, size,
          rate, soakMaxSeconds, n -> log("soak: %,d of %,d messages back (%.0f%%), %d faults active, %d API calls",
              n, total, 100.0 * n / total, driver.active.size(), driver.calls));
      double secs = (System.nanoTime() - t0) / 1e9;
      driver.stop();
      rss.stop();
      api.call("POST", "/api/reset", "");
      r.put("seconds", secs).put("apiCalls", driver.calls).put("faultsAdded", driver.added).put("faultsRemoved", driver.removed)
          .put("faultKinds", driver.kinds).put("apiErrors", new JsonArray(driver.errors))
          .put("api", api.latency()).put("rss", rss.summary());

      Thread.sleep(2_000);
      JsonObject after = leakFigures(proxy.pid(), api);
      r.put("after", after);
      checkLeaks("soak", before, after);

      proxy.stop(Duration.ofSeconds(30)); // SIGTERM: the proxy flushes and closes the timeline
      r.put("proxyExit", proxy.process.exitValue());
      verify(ledgers, timeline, r);
      log("soak: %s", r.encode());
    } finally {
      proxy.stop(Duration.ofSeconds(5));
    }
  }

  /** The client's ledgers against the proxy's timeline. */
  void verify(List<LoadGenerator.Ledger> ledgers, Path timeline, JsonObject r) throws IOException {
    Map<String, Integer> linkOfPath = new HashMap<>(); // "/soak/7" → the proxy's link number
    Map<Long, Integer> dupCopies = new HashMap<>(); // (link << 32 | message) → copies the proxy made toward the client
    Map<Long, Boolean> reordered = new HashMap<>();
    Map<String, Long> actions = new java.util.TreeMap<>();
    long events = 0;
    long lostFromFile = 0;
    // Holes (the writer fell behind: a `lost` event names them) hide fault events: per link, the
    // message ids around a hole (the last before it, the first after it, with a margin wider than
    // the window in flight) are not judged, and are counted apart.
    Map<Integer, Long> lastIdBefore = new HashMap<>();
    Map<Integer, long[]> shadowOpen = new HashMap<>(); // link → {from} awaiting the first id after a hole
    Map<Integer, List<long[]>> shadows = new HashMap<>();
    long prevSeq = 0;
    try (BufferedReader in = Files.newBufferedReader(timeline, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        events++;
        int at = line.indexOf("\"seq\":");
        if (at >= 0) {
          int end = line.indexOf(',', at);
          long seqNo = Long.parseLong(line, at + 6, end, 10);
          if (prevSeq > 0 && seqNo > prevSeq + 1 && !line.contains("\"kind\":\"lost\"")) {
            for (Map.Entry<Integer, Long> b : lastIdBefore.entrySet()) {
              shadowOpen.putIfAbsent(b.getKey(), new long[] {Math.max(1, b.getValue() - SHADOW_MARGIN)});
            }
            for (Integer l : linkOfPath.values()) {
              shadowOpen.putIfAbsent(l, new long[] {1});
            }
          }
          prevSeq = seqNo;
        }
        // Only the kinds read below are parsed: the file has millions of lines.
        boolean attempt = line.contains("\"kind\":\"attempt\"");
        boolean fault = line.contains("\"kind\":\"fault\"");
        if (line.contains("\"kind\":\"lost\"")) {
          lostFromFile++;
        }
        if (!attempt && !fault) {
          continue;
        }
        JsonObject e = new JsonObject(line);
        int link = e.getInteger("link", 0);
        if (attempt) {
          linkOfPath.put(e.getString("path"), link);
          continue;
        }
        String action = e.getString("action");
        actions.merge(e.getString("name") + " " + action, 1L, Long::sum);
        Long msg = e.getLong("message");
        if (msg == null || !"client".equals(e.getString("to"))) {
          continue;
        }
        lastIdBefore.put(link, msg);
        long[] open = shadowOpen.remove(link);
        if (open != null) {
          shadows.computeIfAbsent(link, x -> new ArrayList<>()).add(new long[] {open[0], msg + SHADOW_MARGIN});
        }
        long key = ((long) link << 32) | msg;
        if ("duplicated".equals(action)) {
          String detail = e.getString("detail", "1 copy");
          dupCopies.merge(key, Integer.parseInt(detail.substring(0, detail.indexOf(' '))), Integer::sum);
        } else if ("reordered".equals(action)) {
          reordered.put(key, true);
        }
      }
    }
    for (Map.Entry<Integer, long[]> o : shadowOpen.entrySet()) {
      shadows.computeIfAbsent(o.getKey(), x -> new ArrayList<>()).add(new long[] {o.getValue()[0], Long.MAX_VALUE});
    }
    long inShadow = 0;
    long lost = 0, extra = 0, extraUnexplained = 0, dupExpected = 0, outOfOrder = 0, outOfOrderUnexplained = 0, corrupted = 0, closedEarly = 0;
    long received = 0;
    long sent = 0;
    List<String> examples = new ArrayList<>();
    for (LoadGenerator.Ledger l : ledgers) {
      Integer link = linkOfPath.get("/soak/" + l.link);
      if (link == null) {
        failures.add("soak: link /soak/" + l.link + " has no attempt on the timeline");
        continue;
      }
      corrupted += l.corrupted;
      received += l.received;
      closedEarly += l.closedEarly ? 1 : 0;
      sent += l.sent();
      List<long[]> hidden = shadows.getOrDefault(link, List.of());
      for (int seq = 1; seq <= l.sent(); seq++) {
        int c = l.copies(seq);
        final long s0 = seq;
        if (c > 0 && hidden.stream().anyMatch(h -> s0 >= h[0] && s0 <= h[1])) {
          inShadow++;
          extra += c - 1;
          continue; // arrived, so not lost; its copies and order are not judged: their events may be in the hole
        }
        long key = ((long) link << 32) | seq;
        int made = dupCopies.getOrDefault(key, 0);
        dupExpected += made;
        if (c == 0) {
          lost++;
          if (examples.size() < 5) {
            examples.add("lost: link " + l.link + " #" + seq);
          }
        } else if (c - 1 != made) {
          extraUnexplained += Math.abs(c - 1 - made);
          if (examples.size() < 5) {
            examples.add("link " + l.link + " #" + seq + ": " + c + " copies, the proxy made " + made + " extra");
          }
        }
        extra += Math.max(0, c - 1);
        if (l.outOfOrder.get(seq)) {
          outOfOrder++;
          if (!reordered.containsKey(key)) {
            outOfOrderUnexplained++;
            if (examples.size() < 5) {
              examples.add("link " + l.link + " #" + seq + " came after a later one with no reordered event");
            }
          }
        }
      }
    }
    r.put("sent", sent).put("cutByTime", sent < (long) links * messages).put("timelineEvents", events).put("timelineLostEvents", lostFromFile).put("faultActions", new JsonObject(new HashMap<>(actions)))
        .put("received", received).put("lost", lost).put("extraCopies", extra).put("duplicatedByProxy", dupExpected)
        .put("extraCopiesUnexplained", extraUnexplained).put("outOfOrder", outOfOrder).put("outOfOrderUnexplained", outOfOrderUnexplained)
        .put("corrupted", corrupted).put("linksClosedEarly", closedEarly).put("notJudgedNearHoles", inShadow).put("examples", new JsonArray(examples));
    if (lost > 0) {
      failures.add("soak: " + lost + " messages lost");
    }
    if (extraUnexplained > 0) {
      failures.add("soak: " + extraUnexplained + " copies the proxy's duplicate faults do not account for");
    }
    if (outOfOrderUnexplained > 0) {
      failures.add("soak: " + outOfOrderUnexplained + " out-of-order arrivals no reorder fault accounts for");
    }
    if (corrupted > 0) {
      failures.add("soak: " + corrupted + " messages corrupted");
    }
    if (closedEarly > 0) {
      failures.add("soak: " + closedEarly + " links closed during the run");
    }
    if (lostFromFile > 0 && inShadow > total(ledgers) / 100) {
      failures.add("soak: the timeline file has " + lostFromFile + " holes (lost events) hiding " + inShadow + " messages' fault events, over 1 %");
    }
    JsonObject api = r.getJsonObject("api");
    if (api.getDouble("p99Ms") > 50) {
      failures.add("soak: control API p99 " + api.getDouble("p99Ms") + " ms > 50 ms");
    }
    if (!r.getJsonObject("rss").getBoolean("flat", false)) {
      failures.add("soak: proxy RSS not flat: " + r.getJsonObject("rss").encode());
    }
  }

  /** Message ids on each side of a timeline hole that are not judged (more than 16 in flight plus a window of 5). */
  static final long SHADOW_MARGIN = 64;

  static long total(List<LoadGenerator.Ledger> ledgers) {
    return ledgers.stream().mapToLong(LoadGenerator.Ledger::sent).sum();
  }

  /** Adds and removes faults on every live link through the API, every 150–450 ms, and times every call. */
  final class FaultDriver {
    final Api api;
    final Random random;
    final List<String> active = new java.util.concurrent.CopyOnWriteArrayList<>();
    final JsonObject kinds = new JsonObject();
    final List<String> errors = new ArrayList<>();
    final AtomicBoolean running = new AtomicBoolean(true);
    volatile long calls;
    long added;
    long removed;
    Thread thread;

    FaultDriver(Api api, Random random) {
      this.api = api;
      this.random = random;
    }

    void start() {
      thread = new Thread(this::loop, "soak-fault-driver");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(10_000);
    }

    /** One of the five faults, with parameters that keep a 2-core machine moving. */
    String[] entry() {
      String to = random.nextBoolean() ? "client" : "server";
      int k = random.nextInt(5);
      String[] names = {"delay", "throttle", "stall", "reorder", "duplicate"};
      return new String[] {names[k], switch (k) {
        case 0 -> "{\"delay\":{\"to\":\"" + to + "\",\"by\":\"" + (1 + random.nextInt(20)) + "ms\",\"jitter\":\"" + random.nextInt(5) + "ms\"}}";
        case 1 -> "{\"throttle\":{\"to\":\"" + to + "\",\"bytes_per_second\":" + (100_000 + random.nextInt(900_000)) + "}}";
        case 2 -> "{\"for\":\"" + (100 + random.nextInt(300)) + "ms\",\"stall\":{\"to\":\"" + to + "\"}}";
        // reorder and duplicate toward the client only: the ledger then maps message ids to numbers one to one
        case 3 -> "{\"reorder\":{\"to\":\"client\",\"window\":" + (2 + random.nextInt(4)) + ",\"max_hold\":\"50ms\"}}";
        default -> "{\"probability\":0.02,\"duplicate\":{\"to\":\"client\",\"count\":" + (1 + random.nextInt(2)) + ",\"gap\":\""
            + (random.nextBoolean() ? 0 : 5) + "ms\"}}";
      }};
    }

    void loop() {
      while (running.get()) {
        try {
          Thread.sleep(150 + random.nextInt(300));
          int what = random.nextInt(10);
          if (what < 5 && active.size() < 4 || active.isEmpty()) {
            String[] ne = entry();
            String e = ne[1];
            HttpResponse<String> r = api.call("POST", "/api/faults", e);
            if (r.statusCode() == 201) {
              active.add(new JsonObject(r.body()).getString("id"));
              added++;
              kinds.put(ne[0], kinds.getInteger(ne[0], 0) + 1);
            } else {
              errors.add("POST " + e + ": " + r.statusCode() + " " + r.body());
            }
          } else if (what < 9) {
            String id = active.remove(random.nextInt(active.size()));
            HttpResponse<String> r = api.call("DELETE", "/api/faults/" + id, null);
            // a stall's `for` may have run out: 204 either way, since done faults stay listed
            if (r.statusCode() != 204) {
              errors.add("DELETE " + id + ": " + r.statusCode() + " " + r.body());
            }
            removed++;
          } else {
            api.call("GET", random.nextBoolean() ? "/api/links" : "/api/faults", null);
          }
          calls++;
        } catch (Exception e) {
          errors.add(e.toString());
        }
      }
    }
  }

  /** The control API through the JDK's client, every call timed. */
  static final class Api {
    final int port;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
    final Histogram micros = new Histogram(60_000_000L, 3);

    Api(int port) {
      this.port = port;
    }

    HttpResponse<String> call(String method, String path, String json) throws IOException, InterruptedException {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
      if (json != null) {
        b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
      } else {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      }
      long t = System.nanoTime();
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      synchronized (micros) {
        micros.recordValue(Math.min(micros.getHighestTrackableValue(), (System.nanoTime() - t) / 1_000));
      }
      return r;
    }

    JsonObject latency() {
      synchronized (micros) {
        return new JsonObject().put("calls", micros.getTotalCount()).put("p50Ms", micros.getValueAtPercentile(50) / 1e3)
            .put("p99Ms", micros.getValueAtPercentile(99) / 1e3).put("maxMs", micros.getMaxValue() / 1e3);
      }
    }
  }

  /** VmRSS of the proxy once a second; flat when the mean of the last 10 % is within 10 % of the median of the middle 10 %. */
  static final class RssSampler {
    final long pid;
    final List<Long> samples = new java.util.concurrent.CopyOnWriteArrayList<>();
    final AtomicBoolean running = new AtomicBoolean(true);
    Thread thread;

    RssSampler(long pid) {
      this.pid = pid;
    }

    void start() {
      thread = new Thread(() -> {
        while (running.get()) {
          long kib = Procs.rssKib(pid);
          if (kib > 0) {
            samples.add(kib);
          }
          try {
            Thread.sleep(1_000);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "soak-rss");
      thread.setDaemon(true);
      thread.start();
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.interrupt();
      thread.join(5_000);
    }

    JsonObject summary() {
      int n = samples.size();
      JsonObject o = new JsonObject().put("samples", n);
      if (n < 10) {
        return o.put("flat", false).put("why", "fewer than 10 samples");
      }
      List<Double> middle = new ArrayList<>();
      for (int i = (int) (n * 0.45); i < Math.max((int) (n * 0.55), (int) (n * 0.45) + 1); i++) {
        middle.add((double) samples.get(i));
      }
      double mid = Report.median(middle);
      double last = samples.subList(n - Math.max(1, n / 10), n).stream().mapToLong(Long::longValue).average().orElse(0);
      double first = samples.get(0);
      double max = samples.stream().mapToLong(Long::longValue).max().orElse(0);
      return o.put("firstMiB", first / 1024).put("middleMiB", mid / 1024).put("last10pctMiB", last / 1024).put("maxMiB", max / 1024)
          .put("lastOverMiddle", last / mid).put("flat", Math.abs(last / mid - 1) <= 0.10);
    }
  }

  // ---------------------------------------------------------------- leak figures

  /** Live links (API), threads (jcmd, /proc), fds (/proc) and CPU over 3 s of idling. */
  JsonObject leakFigures(long pid, Api api) throws Exception {
    JsonObject o = new JsonObject();
    if (api != null) {
      HttpResponse<String> links = api.call("GET", "/api/links", null);
      o.put("liveLinks", new JsonObject(links.body()).getJsonArray("links").size());
      HttpResponse<String> faults = api.call("GET", "/api/faults", null);
      o.put("faults", new JsonObject(faults.body()).getJsonArray("faults").size());
    }
    String threads = Procs.output(List.of(BenchSuite.jcmdExe(), Long.toString(pid), "Thread.print"), Duration.ofSeconds(30));
    o.put("jvmThreads", threads.lines().filter(l -> l.startsWith("\"")).count());
    String[] tasks = Path.of("/proc", Long.toString(pid), "task").toFile().list();
    o.put("osThreads", tasks == null ? -1 : tasks.length);
    o.put("fds", Procs.fdCount(pid));
    BenchSuite.systemGc(pid);
    o.put("heapAfterGcMiB", BenchSuite.heapUsedKib(pid) / 1024.0);
    o.put("sockets", sockets(pid));
    long c0 = Procs.cpuMicros(List.of(pid));
    Thread.sleep(3_000);
    o.put("idleCpuMsPerSecond", (Procs.cpuMicros(List.of(pid)) - c0) / 3_000.0);
    return o;
  }

  /** How many of a process's fds are sockets. */
  static long sockets(long pid) {
    java.io.File[] fds = Path.of("/proc", Long.toString(pid), "fd").toFile().listFiles();
    if (fds == null) {
      return -1;
    }
    long n = 0;
    for (java.io.File f : fds) {
      try {
        if (Files.readSymbolicLink(f.toPath()).toString().startsWith("socket:")) {
          n++;
        }
      } catch (IOException gone) {
        // closed while we looked
      }
    }
    return n;
  }

  /**
   * After equals before, within a little: no live link, the same threads (the JDK starts a few lazily:
   * ± 3), the same sockets, fds within 5 (the timeline's file, a log rotation), idle CPU under 50 ms/s.
   */
  void checkLeaks(String phase, JsonObject before, JsonObject after) {
    if (after.getInteger("liveLinks", 0) != 0) {
      failures.add(phase + ": " + after.getInteger("liveLinks") + " links still live");
    }
    if (after.getLong("jvmThreads") > before.getLong("jvmThreads") + 3) {
      failures.add(phase + ": JVM threads " + before.getLong("jvmThreads") + " → " + after.getLong("jvmThreads"));
    }
    if (after.getLong("sockets") > before.getLong("sockets")) {
      failures.add(phase + ": sockets " + before.getLong("sockets") + " → " + after.getLong("sockets"));
    }
    if (after.getLong("fds") > before.getLong("fds") + 5) {
      failures.add(phase + ": fds " + before.getLong("fds") + " → " + after.getLong("fds"));
    }
    if (after.getDouble("idleCpuMsPerSecond") > 50) {
      failures.add(phase + ": idle CPU " + after.getDouble("idleCpuMsPerSecond") + " ms/s (a timer left running?)");
    }
  }

  // ---------------------------------------------------------------- storm

  /**
   * The storm against {@code wschaos proxy} itself (its own process, in front of the echo server, with
   * a close fault on every open), so that its links, threads and fds can be counted before and after.
   */
  void proxyStorm(LoadGenerator gen) throws Exception {
    int apiPort = Procs.freePort();
    Path ready = work.resolve("storm-proxy.port");
    Files.deleteIfExists(ready);
    List<String> cmd = new ArrayList<>(List.of(BenchSuite.javaExe()));
    cmd.addAll(PROXY_FLAGS);
    cmd.addAll(List.of("-jar", jar.toString(), "proxy", "--listen", "127.0.0.1:0", "--upstream", "ws://127.0.0.1:" + echoPort,
        "--api", "127.0.0.1:" + apiPort, "--ready-file", ready.toString(), "--fault", "{id: slam, on: {open: any}, close: {code: 1001, reason: storm}}"));
    Procs.Managed proxy = Procs.start("storm proxy", cmd, work.resolve("logs/storm-proxy.log"));
    JsonObject r = new JsonObject().put("seconds", stormSeconds).put("parallel", stormParallel)
        .put("proxyCommand", String.join(" ", cmd).replace(Path.of("").toAbsolutePath() + "/", ""));
    results.put("proxyStorm", r);
    try {
      int port = Procs.awaitPortFile(proxy, ready, Duration.ofSeconds(30));
      Api api = new Api(apiPort);
      gen.storm(URI.create("ws://127.0.0.1:" + port + "/warm"), 4, 2); // warm-up
      Thread.sleep(1_000);
      JsonObject before = leakFigures(proxy.pid(), api);
      long peakRss = 0;
      long t0 = System.nanoTime();
      RssSampler rss = new RssSampler(proxy.pid());
      rss.start();
      JsonObject client = gen.storm(URI.create("ws://127.0.0.1:" + port + "/storm"), stormParallel, stormSeconds);
      rss.stop();
      r.put("client", client).put("wallSeconds", (System.nanoTime() - t0) / 1e9).put("rss", rss.summary())
          .put("attemptsPerSecond", client.getLong("attempts") / stormSeconds);
      Thread.sleep(2_000);
      JsonObject after = leakFigures(proxy.pid(), api);
      r.put("before", before).put("after", after);
      checkLeaks("proxy storm", before, after);
      log("proxy storm: %s", r.encode());
    } finally {
      proxy.stop(Duration.ofSeconds(10));
    }
  }

  void storm() throws Exception {
    JsonObject r = new JsonObject().put("seconds", stormSeconds).put("parallel", stormParallel);
    results.put("storm", r);
    Path dir = work.resolve("storm");
    Path report = dir.resolve("report");
    Files.createDirectories(dir);
    deleteTree(report);
    long duration = (long) stormSeconds;
    String client = String.join(" ", BenchSuite.javaExe(), "-XX:+UseParallelGC", "-Xmx512m", "-cp", jar.toAbsolutePath().toString(),
        LoadGenerator.class.getName(), "storm", "--url-env", "WSCHAOS_URL", "--concurrency", Integer.toString(stormParallel),
        "--duration", Double.toString(stormSeconds + 30)); // outlives the run: the runner stops it at the end
    String yaml = String.join("\n",
        "name: reconnect-storm",
        "description: every link is closed as soon as it opens; the client reconnects in a hot loop.",
        "duration: " + duration + "s",
        "server: {builtin: feed, options: {rate: 0}}",
        "client: {command: '" + client + "'}",
        "faults:",
        "  - {id: slam, on: {open: any}, close: {code: 1001, reason: storm}}",
        "expect:",
        // The storm is what max_attempts exists to catch: its fail is the right verdict. reconnect keeps
        // the run going to its end (it is final only then), so the whole storm is judged.
        "  - max_attempts: {count: 20, per: 1s}",
        "  - reconnect: {after: {close: 1001}, within: 2s}",
        "");
    Path scenario = dir.resolve("storm.yaml");
    Files.writeString(scenario, yaml);
    List<String> cmd = new ArrayList<>(List.of(BenchSuite.javaExe(), "-XX:+UseParallelGC", "-Xms64m", "-Xmx1g", "-jar", jar.toString(),
        "run", "--report", report.toString(), scenario.toString()));
    r.put("command", String.join(" ", cmd).replace(Path.of("").toAbsolutePath() + "/", ""));
    long t0 = System.nanoTime();
    Procs.Managed run = Procs.start("storm runner", cmd, work.resolve("logs/storm-run.log"));
    long peakRss = 0;
    while (run.alive() && System.nanoTime() - t0 < (duration + 120) * 1_000_000_000L) {
      peakRss = Math.max(peakRss, Procs.rssKib(run.pid()));
      Thread.sleep(500);
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    if (run.alive()) {
      run.stop(Duration.ofSeconds(10));
      failures.add("storm: the runner did not finish within " + (duration + 120) + " s");
    }
    r.put("runnerExit", run.process.exitValue()).put("runnerWallSeconds", wall).put("beyondDurationSeconds", wall - duration)
        .put("runnerPeakRssMiB", peakRss / 1024.0).put("runnerOutput", run.tail(8));
    // The client's own count, from the runner's timeline (its stdout line is a client event).
    Path jsonl = null;
    try (var files = Files.list(report)) {
      jsonl = files.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElse(null);
    }
    if (jsonl == null) {
      failures.add("storm: no timeline in " + report);
      return;
    }
    long attempts = 0, opens = 0, closes = 0, verdicts = 0, lines = 0;
    List<String> verdict = new ArrayList<>();
    String stormLine = null;
    try (BufferedReader in = Files.newBufferedReader(jsonl)) {
      String line;
      while ((line = in.readLine()) != null) {
        lines++;
        if (line.contains("\"kind\":\"attempt\"")) {
          attempts++;
        } else if (line.contains("\"kind\":\"open\"")) {
          opens++;
        } else if (line.contains("\"kind\":\"close\"")) {
          closes++;
        } else if (line.contains("\"kind\":\"verdict\"")) {
          verdicts++;
          JsonObject v = new JsonObject(line);
          verdict.add(v.getString("expectation") + " " + v.getString("status") + ": " + v.getString("sentence"));
        } else if (line.contains("STORM {")) {
          stormLine = new JsonObject(line).getString("line");
        }
      }
    }
    r.put("timelineLines", lines).put("attempts", attempts).put("opens", opens).put("closeEvents", closes).put("verdicts", new JsonArray(verdict))
        .put("timelineBytes", Files.size(jsonl));
    if (stormLine != null) {
      r.put("client", new JsonObject(stormLine.substring(stormLine.indexOf('{'))));
    }
    if (attempts < 15_000) {
      failures.add("storm: " + attempts + " attempts reached the proxy, fewer than 15 000");
    }
    if (wall - duration > 5) {
      failures.add(String.format(Locale.ROOT, "storm: the runner took %.1f s beyond the scenario's duration (start, judging, report), over 5 s", wall - duration));
    }
    // The report page opens, in headless Chromium (the viewer test's driver).
    Path page;
    try (var files = Files.list(report)) {
      page = files.filter(p -> p.toString().endsWith(".html") && !p.endsWith("index.html")).findFirst().orElse(null);
    }
    if (page == null) {
      failures.add("storm: no report page in " + report);
      return;
    }
    r.put("reportPageBytes", Files.size(page));
    Path shots = dir.resolve("shots");
    Files.createDirectories(shots);
    Path log = work.resolve("logs/storm-browser.log");
    Procs.Managed browser = Procs.start("report in chromium", List.of("node", "wschaos-core/src/test/node/viewer-check.js", "perf", page.toString(),
        shots.toString()), log);
    JsonObject perf = null;
    try {
      long until = System.nanoTime() + 90_000_000_000L;
      while (perf == null && System.nanoTime() < until) {
        for (String line : Files.exists(log) ? Files.readAllLines(log) : List.<String>of()) {
          if (line.startsWith("{\"event\":\"perf\"")) {
            perf = new JsonObject(line);
          } else if (line.startsWith("{\"event\":\"error\"")) {
            throw new IOException(line);
          }
        }
        if (perf == null && !browser.alive()) {
          throw new IOException("viewer-check exited: " + browser.tail(5));
        }
        Thread.sleep(200);
      }
      if (perf == null) {
        throw new IOException("no answer from Chromium within 90 s");
      }
      if (!perf.getJsonArray("errors", new JsonArray()).isEmpty()) {
        failures.add("storm: the report page logged errors in Chromium: " + perf.getJsonArray("errors").encode());
      }
    } catch (Exception e) {
      failures.add("storm: the report page did not open in Chromium: " + BenchSuite.firstLine(e.getMessage()));
    } finally {
      browser.stop(Duration.ofSeconds(10));
    }
    if (perf != null) {
      r.put("browser", perf);
    }
    log("storm: %s", r.encode());
  }

  // ---------------------------------------------------------------- helpers

  int echoPort;

  Procs.Managed startEcho() throws Exception {
    Path ready = work.resolve("echo.port");
    Files.deleteIfExists(ready);
    List<String> cmd = new ArrayList<>(List.of(BenchSuite.javaExe()));
    cmd.addAll(BenchSuite.JVM_FLAGS);
    cmd.addAll(List.of("-cp", jar.toString(), EchoServer.class.getName(), "--port", "0", "--event-loops", "2", "--ready-file", ready.toString()));
    Procs.Managed echo = Procs.start("echo server", cmd, work.resolve("logs/echo.log"));
    echoPort = Procs.awaitPortFile(echo, ready, Duration.ofSeconds(30));
    return echo;
  }

  static String cpuModel() {
    String cpuinfo = Procs.read(Path.of("/proc/cpuinfo"));
    if (cpuinfo == null) {
      return "?";
    }
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^model name\\s*:\\s*(.+)$").matcher(cpuinfo);
    return m.find() ? m.group(1).trim() : "?";
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var all = Files.walk(p)) {
      for (Path x : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }

  static void log(String fmt, Object... args) {
    BenchSuite.log(fmt, args);
  }

  void writeReport() throws IOException {
    String block = new SoakReport(results).markdown();
    String doc = Files.exists(out) ? Files.readString(out) : "# Reliability\n\n" + BEGIN + "\n" + END + "\n";
    int b = doc.indexOf(BEGIN);
    int e = doc.indexOf(END);
    if (b < 0 || e < b) {
      doc = doc + "\n" + BEGIN + "\n" + END + "\n";
      b = doc.indexOf(BEGIN);
      e = doc.indexOf(END);
    }
    doc = doc.substring(0, b + BEGIN.length()) + "\n" + block + doc.substring(e);
    Files.writeString(out, doc);
    Files.writeString(out.resolveSibling("reliability.json"), results.encodePrettily());
  }
}
