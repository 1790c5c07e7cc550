package io.wschaos.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.wschaos.fault.Fault;
import io.wschaos.spec.Catalog;
import io.wschaos.fault.FaultEntryParser;
import io.wschaos.fault.builtin.BuiltinFaults;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Faults added and removed live through the API while links carry steady traffic: 10 links, each
 * sending 1 000 messages a second for 5 s to an echo server, and 200 add/remove cycles. Nothing may
 * be lost or reordered beyond what the faults are for, the API stays fast (p99 under 100 ms), and
 * Vert.x never reports a blocked event loop.
 *
 * <p>What each fault may legitimately do decides which run it belongs to:
 *
 * <ul>
 *   <li>delay, throttle and stall hold messages and release them in order (and flush them in order
 *       when removed): with them, every message must arrive exactly once and in order;
 *   <li>reorder shuffles within its window, so only loss and duplicates are checked; blackhole
 *       (with {@code then: resume}, so that links survive) swallows what it carries, so every
 *       message must arrive exactly once or be recorded as swallowed.
 * </ul>
 *
 * The catalogue grows as faults are merged: names that {@code BuiltinFaults.catalog().has(name)}
 * denies are skipped (today: throttle, stall, reorder and blackhole may be missing), and a run with
 * none of its faults registered is skipped whole, with a line on stdout saying so.
 *
 * <p>Measuring starts after a warm-up (class loading and JIT of every path take a few hundred ms
 * on a busy machine). A hiccup meter runs alongside: when the machine itself stopped this JVM for
 * longer than the 100 ms budget (a shared, overloaded box; a GC pause), an API p99 over budget is
 * reported as not judged (the test is aborted with its figures) rather than failed.
 */
class ControlApiStressTest {
  static final int LINKS = 10;
  static final int PER_SECOND = 1000;
  static final int SECONDS = 5;
  static final int MESSAGES = PER_SECOND * SECONDS;
  static final int CYCLES = 200;
  static final int DRIVERS = 2;
  static final long API_P99_MICROS = 100_000;

  /** Faults after which order must be exact. */
  static final Map<String, String> IN_ORDER = Map.of(
      "delay", "{\"delay\": {\"to\": \"%s\", \"by\": \"15ms\", \"jitter\": \"10ms\"}}",
      "throttle", "{\"throttle\": {\"to\": \"%s\", \"bytes_per_second\": 200000}}",
      "stall", "{\"stall\": {\"to\": \"%s\"}}");
  /** Faults that reorder or lose on purpose. */
  static final Map<String, String> UNORDERED = Map.of(
      "reorder", "{\"reorder\": {\"to\": \"%s\", \"window\": 4}}",
      "blackhole", "{\"blackhole\": {\"to\": \"%s\", \"then\": \"resume\"}}");

  private final ListAppender<ILoggingEvent> blocked = new ListAppender<>();
  private final Logger checker = (Logger) LoggerFactory.getLogger("io.vertx.core.impl.BlockedThreadChecker");

  @BeforeEach
  void captureBlockedThreadWarnings() {
    blocked.start();
    checker.addAppender(blocked);
  }

  @AfterEach
  void release() {
    checker.detachAppender(blocked);
  }

  @Test
  void delayThrottleAndStallAddedAndRemovedLiveLoseAndReorderNothing() throws Exception {
    Result r = run(IN_ORDER);
    if (r == null) {
      return;
    }
    assertEquals(0, r.lost, "lost: " + r);
    assertEquals(0, r.reordered, "reordered: " + r);
    assertEquals(0, r.duplicated, "duplicated: " + r);
    assertTrue(r.touched > 0, "the faults acted on traffic: " + r);
    r.assertApiAndLoops();
  }

  @Test
  void reorderAndBlackholeAddedAndRemovedLiveLoseOnlyWhatTheySwallow() throws Exception {
    Result r = run(UNORDERED);
    if (r == null) {
      return;
    }
    assertEquals(0, r.duplicated, "duplicated: " + r);
    assertEquals(r.swallowed, r.lost, "every missing message was swallowed by a blackhole: " + r);
    r.assertApiAndLoops();
  }

  /** One run: the links and the API drivers, over the faults of {@code candidates} that are registered. */
  private Result run(Map<String, String> candidates) throws Exception {
    Catalog<Fault> catalog = BuiltinFaults.catalog();
    List<String> entries = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    for (Map.Entry<String, String> c : new java.util.TreeMap<>(candidates).entrySet()) {
      if (catalog.has(c.getKey())) {
        entries.add(String.format(c.getValue(), "client"));
        entries.add(String.format(c.getValue(), "server"));
      } else {
        skipped.add(c.getKey());
      }
    }
    if (!skipped.isEmpty()) {
      System.out.println("ControlApiStressTest: not in the catalogue yet, skipped: " + skipped);
    }
    if (entries.isEmpty()) {
      return null;
    }
    VertxOptions vertxOptions = new VertxOptions()
        .setBlockedThreadCheckInterval(100).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
        // Stricter than the 2 s default, with room for a shared 2-core machine's scheduling hiccups.
        .setMaxEventLoopExecuteTime(500).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
        .setWarningExceptionTime(100).setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS); // warnings come with the stuck stack
    Timeline timeline = new Timeline(Level.META, Timeline.Options.defaults().withMemoryBound(2_000_000, 1L << 30));
    ApiOptions api = ApiOptions.defaults().withListen("127.0.0.1", 0);
    try (ApiRig rig = new ApiRig(vertxOptions, timeline, api, new FaultEntryParser(catalog))) {
      warmUp(rig, entries);
      blocked.list.clear();
      long measuredFrom = timeline.stats().lastSeq();
      Traffic traffic = new Traffic(rig);
      Recorder latency = new Recorder(3);
      AtomicInteger cycles = new AtomicInteger();
      List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      List<Thread> drivers = new ArrayList<>();
      long cycleNanos = TimeUnit.SECONDS.toNanos(SECONDS) * DRIVERS / CYCLES;
      Hiccups hiccups = Hiccups.start();
      traffic.start();
      for (int d = 0; d < DRIVERS; d++) {
        Thread t = new Thread(() -> drive(rig, entries, cycles, cycleNanos, latency, failures), "api-driver-" + d);
        drivers.add(t);
        t.start();
      }
      for (Thread t : drivers) {
        t.join(TimeUnit.SECONDS.toMillis(SECONDS * 3));
      }
      traffic.awaitSent();
      timed(latency, () -> rig.post("/api/reset", ""), 204, failures);
      traffic.awaitEchoes(5_000);
      Histogram stalls = hiccups.stop();
      assertEquals(List.of(), failures, "every API call answered as expected");
      Result r = new Result(traffic, latency.getIntervalHistogram(), stalls, cycles.get(), List.copyOf(blocked.list), timeline.since(measuredFrom));
      System.out.println("ControlApiStressTest " + String.join("+", candidates.keySet().stream().filter(catalog::has).sorted().toList()) + ": " + r);
      return r;
    }
  }

  /**
   * Runs every code path once before anything is measured: the first Netty buffer, the first link,
   * the first fault and the first API calls load classes and JIT-compile for a few hundred ms on a
   * busy 2-core machine, which says nothing about a running proxy. Two links carry bursts while
   * each fault is added and removed three times.
   */
  private static void warmUp(ApiRig rig, List<String> entries) throws Exception {
    List<WebSocket> sockets = new ArrayList<>();
    AtomicInteger finals = new AtomicInteger();
    for (int i = 0; i < 2; i++) {
      WebSocket ws = rig.connect("/warm-up");
      ws.textMessageHandler(t -> {
        if (t.startsWith("last")) {
          finals.incrementAndGet();
        }
      });
      sockets.add(ws);
    }
    for (int round = 0; round < 3; round++) {
      for (String entry : entries) {
        String id = "warm-up-" + round + "-" + entries.indexOf(entry);
        rig.post("/api/faults", "{\"id\": \"" + id + "\", " + entry.substring(1));
        for (WebSocket ws : sockets) {
          for (int m = 0; m < 100; m++) {
            ws.writeTextMessage(Integer.toString(m));
          }
        }
        rig.get("/api/links");
        rig.get("/api/faults");
        rig.delete("/api/faults/" + id);
      }
    }
    // A blackhole may have swallowed some of the above; these pass with no fault left.
    for (WebSocket ws : sockets) {
      ws.writeTextMessage("last");
    }
    ControlApiTest.await(() -> finals.get() == sockets.size(), "the warm-up's last echoes");
    for (WebSocket ws : sockets) {
      ws.close().await();
    }
    ControlApiTest.await(() -> rig.proxy.liveLinks() == 0, "the warm-up links are gone");
  }

  /** One API driver: POST a fault, hold it a while, read /api/links, DELETE it; until the cycles are done. */
  private static void drive(ApiRig rig, List<String> entries, AtomicInteger cycles, long cycleNanos, Recorder latency, List<String> failures) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    int n;
    while ((n = cycles.incrementAndGet()) <= CYCLES) {
      long start = System.nanoTime();
      String entry = entries.get(n % entries.size());
      String id = "c" + n;
      String body = "{\"id\": \"" + id + "\", " + entry.substring(1);
      timed(latency, () -> rig.post("/api/faults", body), 201, failures);
      sleepNanos(random.nextLong(cycleNanos / 4, cycleNanos / 2));
      timed(latency, () -> rig.get("/api/links"), 200, failures);
      timed(latency, () -> rig.delete("/api/faults/" + id), 204, failures);
      sleepNanos(start + cycleNanos - System.nanoTime());
    }
  }

  private static void timed(Recorder latency, java.util.function.Supplier<HttpResponse<String>> call, int expected, List<String> failures) {
    long t0 = System.nanoTime();
    HttpResponse<String> r = call.get();
    long us = (System.nanoTime() - t0) / 1000;
    latency.recordValue(us);
    if (r.statusCode() != expected) {
      failures.add(r.request().method() + " " + r.request().uri().getPath() + " → " + r.statusCode() + " " + r.body());
    }
  }

  private static void sleepNanos(long nanos) {
    if (nanos > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(nanos);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** LINKS clients, each sending MESSAGES numbered messages at PER_SECOND and checking the echoes. */
  static final class Traffic {
    final ApiRig rig;
    final WebSocket[] sockets = new WebSocket[LINKS];
    final int[] sent = new int[LINKS];
    final int[] highest = new int[LINKS];
    final int[] received = new int[LINKS];
    final int[] reordered = new int[LINKS];
    final int[] duplicated = new int[LINKS];
    final java.util.BitSet[] seen = new java.util.BitSet[LINKS];
    final long[] timers = new long[LINKS];

    Traffic(ApiRig rig) {
      this.rig = rig;
      for (int i = 0; i < LINKS; i++) {
        int link = i;
        seen[i] = new java.util.BitSet(MESSAGES);
        sockets[i] = rig.connect("/stress/" + i);
        sockets[i].textMessageHandler(t -> onEcho(link, Integer.parseInt(t)));
      }
    }

    /** On the peers' event loop of socket {@code link}. */
    private synchronized void onEcho(int link, int seq) {
      if (seen[link].get(seq)) {
        duplicated[link]++;
        return;
      }
      seen[link].set(seq);
      received[link]++;
      if (seq < highest[link]) {
        reordered[link]++; // overtaken by a later message; a gap left by a swallowed one is not a reordering
      }
      highest[link] = Math.max(highest[link], seq);
    }

    /** Every 10 ms each socket sends the messages its schedule owes: PER_SECOND on average. */
    void start() {
      long t0 = System.nanoTime();
      for (int i = 0; i < LINKS; i++) {
        int link = i;
        timers[i] = rig.peers.setPeriodic(10, id -> {
          long owed = Math.min(MESSAGES, (System.nanoTime() - t0) * PER_SECOND / 1_000_000_000L);
          while (sent(link) < owed) {
            sockets[link].writeTextMessage(Integer.toString(sent(link)));
            bump(link);
          }
          if (sent(link) == MESSAGES) {
            rig.peers.cancelTimer(id);
          }
        });
      }
    }

    private synchronized int sent(int link) {
      return sent[link];
    }

    private synchronized void bump(int link) {
      sent[link]++;
    }

    void awaitSent() {
      ControlApiTest.await(() -> total(sent) == LINKS * MESSAGES, "all messages sent");
    }

    void awaitEchoes(long ms) {
      long deadline = System.currentTimeMillis() + ms;
      while (total(received) < LINKS * MESSAGES && System.currentTimeMillis() < deadline) {
        sleepNanos(10_000_000);
      }
    }

    synchronized int total(int[] counts) {
      int s = 0;
      for (int c : counts) {
        s += c;
      }
      return s;
    }
  }

  /**
   * How much the machine itself stalls this JVM (after jHiccup): a thread that sleeps 1 ms in a loop
   * records how much longer each sleep took. Scheduling delays on a shared, busy machine and GC
   * pauses show up here without any help from the proxy or the API.
   */
  static final class Hiccups {
    private final Recorder recorder = new Recorder(3);
    private final Thread thread;
    private volatile boolean running = true;

    private Hiccups() {
      thread = new Thread(() -> {
        while (running) {
          long t0 = System.nanoTime();
          java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
          recorder.recordValue(Math.max(0, (System.nanoTime() - t0 - 1_000_000) / 1000));
        }
      }, "hiccup-meter");
      thread.setDaemon(true);
    }

    static Hiccups start() {
      Hiccups h = new Hiccups();
      h.thread.start();
      return h;
    }

    Histogram stop() throws InterruptedException {
      running = false;
      thread.join(1000);
      return recorder.getIntervalHistogram();
    }
  }

  /** A blocked-thread warning with the stack Vert.x captured: where the loop was stuck. */
  static String describe(ILoggingEvent e) {
    StringBuilder b = new StringBuilder(e.getFormattedMessage());
    if (e.getThrowableProxy() != null) {
      for (var frame : e.getThrowableProxy().getStackTraceElementProxyArray()) {
        b.append("\n\tat ").append(frame.getStackTraceElement());
      }
    }
    return b.toString();
  }

  /** What one run measured. */
  static final class Result {
    final int lost;
    final int reordered;
    final int duplicated;
    final long swallowed;
    final long touched;
    final Histogram api;
    final Histogram stalls;
    final int cycles;
    final List<ILoggingEvent> blockedWarnings;

    Result(Traffic t, Histogram api, Histogram stalls, int cycles, List<ILoggingEvent> blockedWarnings, List<Event> events) {
      this.stalls = stalls;
      this.lost = LINKS * MESSAGES - t.total(t.received);
      this.reordered = t.total(t.reordered);
      this.duplicated = t.total(t.duplicated);
      Map<String, Long> actions = new HashMap<>();
      for (Event e : events) {
        if (e.body() instanceof EventBody.Fault f && f.message() != null) {
          actions.merge(f.action(), 1L, Long::sum);
        }
      }
      this.swallowed = actions.getOrDefault("swallowed", 0L);
      this.touched = actions.values().stream().mapToLong(Long::longValue).sum();
      this.api = api;
      this.cycles = Math.min(cycles, CYCLES);
      this.blockedWarnings = blockedWarnings;
    }

    void assertApiAndLoops() {
      assertEquals(List.of(), blockedWarnings.stream().map(ControlApiStressTest::describe).toList(), "Vert.x reported a blocked thread");
      assertEquals(CYCLES, cycles, "add/remove cycles completed");
      long p99 = api.getValueAtPercentile(99);
      if (p99 >= API_P99_MICROS && stalls.getMaxValue() >= API_P99_MICROS) {
        // The machine (other processes on a shared box, or a GC pause) stopped this JVM for longer
        // than the whole budget: the figure says nothing about the API. Reported, not judged.
        Assumptions.abort("the machine stalled this JVM for " + stalls.getMaxValue() / 1000 + " ms, longer than the API's "
            + API_P99_MICROS / 1000 + " ms budget; API latency not judged: " + this);
      }
      assertTrue(p99 < API_P99_MICROS, "API p99 " + p99 / 1000.0 + " ms: " + this);
    }

    @Override
    public String toString() {
      return String.format(
          "%d links × %d messages, %d add/remove cycles: lost %d (swallowed %d), reordered %d, duplicated %d, units touched by faults %d; API %d calls p50 %.1f ms p99 %.1f ms max %.1f ms; blocked-thread warnings %d; machine stalls (1 ms sleeps overslept) p99 %.1f ms max %.1f ms",
          LINKS, MESSAGES, cycles, lost, swallowed, reordered, duplicated, touched, api.getTotalCount(),
          api.getValueAtPercentile(50) / 1000.0, api.getValueAtPercentile(99) / 1000.0, api.getMaxValue() / 1000.0, blockedWarnings.size(),
          stalls.getValueAtPercentile(99) / 1000.0, stalls.getMaxValue() / 1000.0);
    }
  }
}
