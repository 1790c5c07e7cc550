package io.wschaos.bench;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.impl.ws.WebSocketFrameInternal;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The benchmark's client side: drives WebSocket links against a target (the echo server directly,
 * or a proxy in front of it) and reports what came back.
 *
 * <p>A closed-loop load: each link keeps {@code inFlight} messages outstanding and sends the next one
 * when an echo returns, so throughput is what the path sustains and round-trip times are measured
 * per message (send timestamps are kept per link in order; the echo preserves order). Every run is
 * bounded in time (warm-up + measured interval + a fixed drain allowance) and in count
 * ({@code maxMessages} per run).
 *
 * <pre>
 * java -cp wschaos.jar io.wschaos.bench.LoadGenerator run  --url ws://127.0.0.1:PORT/ --links 50 --in-flight 10 --size 1024 --warmup 1 --duration 5
 * java -cp wschaos.jar io.wschaos.bench.LoadGenerator idle --url ws://127.0.0.1:PORT/ --links 9000 --concurrency 200 --hold 30
 * </pre>
 *
 * Both print one JSON object on stdout ({@code idle} prints an {@code OPENED {...}} line first, when
 * every link is open, and a {@code RESULT {...}} line at the end).
 */
public final class LoadGenerator implements AutoCloseable {
  /**
   * What to send: {@code links} links, each with {@code inFlight} messages of {@code size} bytes
   * outstanding; with {@code pauseMillis} > 0 each link waits that long after an echo before it sends
   * the next message (a paced load, whose round trips start from idle threads).
   */
  public record Load(String name, int links, int inFlight, int size, boolean text, long pauseMillis) {
    public Load {
      if (links <= 0 || inFlight <= 0 || size < 0 || pauseMillis < 0) {
        throw new IllegalArgumentException("links and in-flight must be positive, size and pause non-negative");
      }
    }

    public Load(String name, int links, int inFlight, int size, boolean text) {
      this(name, links, inFlight, size, text, 0);
    }
  }

  /** How long: unmeasured warm-up, measured interval, and a hard cap on messages per run. */
  public record Timing(double warmupSeconds, double measureSeconds, long maxMessages) {}

  /** Called on the caller's thread right at the start and end of the measured interval. */
  public interface Probe {
    void measureStart();

    void measureEnd();
  }

  static final int CONNECT_CONCURRENCY = 256;
  static final long CONNECT_TIMEOUT_MS = 20_000;
  static final long DRAIN_MS = 3_000;

  private final Vertx vertx;
  // Held in a field on purpose: Vert.x 5 disposes of unreachable clients, open sockets included.
  private final WebSocketClient client;
  private final List<Context> loops = new ArrayList<>();

  public LoadGenerator(int eventLoops) {
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops));
    this.client =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setMaxConnections(Integer.MAX_VALUE) // -1 makes every connect wait forever in 5.0.7
                .setMaxFrameSize(EchoServer.MAX_FRAME)
                .setMaxMessageSize(Integer.MAX_VALUE)
                .setTryUsePerMessageCompression(false)
                .setTryUsePerFrameCompression(false)
                .setTcpNoDelay(true)
                .setConnectTimeout((int) CONNECT_TIMEOUT_MS)
                .setClosingTimeout(2));
    // One verticle instance per event loop gives one context per loop; links are spread over them.
    List<Context> found = Collections.synchronizedList(new ArrayList<>());
    vertx
        .deployVerticle(
            () ->
                new AbstractVerticle() {
                  @Override
                  public void start() {
                    found.add(context);
                  }
                },
            new DeploymentOptions().setInstances(eventLoops))
        .await();
    loops.addAll(found);
  }

  // ---------------------------------------------------------------- closed-loop load

  /** One link of a closed-loop run; every field is touched only on the link's event loop. */
  private final class Flow {
    final Context ctx;
    final Run run;
    WebSocket ws;
    final long[] sentAt;
    int head;
    int outstanding;
    long sent;

    Flow(Context ctx, Run run) {
      this.ctx = ctx;
      this.run = run;
      this.sentAt = new long[run.load.inFlight()];
    }

    void start() {
      for (int i = 0; i < run.load.inFlight(); i++) {
        if (!sendOne()) {
          break;
        }
      }
    }

    boolean sendOne() {
      if (!run.sending || sent >= run.perLinkCap || ws.isClosed()) {
        return false;
      }
      sentAt[(head + outstanding) % sentAt.length] = System.nanoTime();
      outstanding++;
      sent++;
      ws.writeFrame(run.frame());
      return true;
    }

    void onFrame(WebSocketFrame f) {
      if (!(f.isText() || f.isBinary() || f.isContinuation())) {
        return;
      }
      long now = System.nanoTime();
      int len = f instanceof WebSocketFrameInternal fi ? fi.length() : f.binaryData().length();
      if (outstanding == 0 || !f.isFinal() || len != run.load.size()) {
        run.errors.increment();
        return;
      }
      long t = sentAt[head];
      head = (head + 1) % sentAt.length;
      outstanding--;
      run.received.increment();
      run.bytes.add(len);
      run.latency.recordValue(Math.max(0, now - t));
      if (run.samples != null && run.measuring) {
        run.samples.accept(Math.max(0, now - t));
      }
      if (run.load.pauseMillis() > 0) {
        vertx.setTimer(run.load.pauseMillis(), id -> sendOne()); // a timer set on an event loop fires on it
      } else {
        sendOne();
      }
    }
  }

  private final class Run {
    final Load load;
    final long perLinkCap;
    final String textPayload;
    final io.vertx.core.buffer.Buffer binaryPayload;
    volatile boolean sending = true;
    final LongAdder received = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder closedEarly = new LongAdder();
    final Recorder latency = new Recorder(3);
    /** Every round trip of the measured interval, in ns, when the caller wants them one by one. */
    final LongConsumer samples;
    volatile boolean measuring;

    Run(Load load, Timing timing, LongConsumer samples) {
      this.load = load;
      this.samples = samples;
      this.perLinkCap = Math.max(load.inFlight(), timing.maxMessages() / load.links());
      this.textPayload = payload(load.size());
      this.binaryPayload = io.vertx.core.buffer.Buffer.buffer(textPayload);
    }

    WebSocketFrame frame() {
      return load.text() ? WebSocketFrame.textFrame(textPayload, true) : WebSocketFrame.binaryFrame(binaryPayload, true);
    }
  }

  static String payload(int size) {
    String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 ";
    StringBuilder b = new StringBuilder(size);
    for (int i = 0; i < size; i++) {
      b.append(alphabet.charAt(i % alphabet.length()));
    }
    return b.toString();
  }

  /**
   * Runs {@code load} against {@code target}: connect every link, warm up, measure, drain, close.
   * Blocks the caller for about warm-up + measure seconds (plus connect and drain, each bounded).
   */
  public JsonObject run(URI target, Load load, Timing timing, Probe probe) throws InterruptedException {
    return run(target, load, timing, probe, null);
  }

  /**
   * As {@link #run(URI, Load, Timing, Probe)}, and hands every round trip of the measured interval
   * (ns) to {@code samples}, on the link's event loop, so it must be thread-safe with several links.
   * The histogram keeps 3 significant digits (0.1 ms steps at 100 ms); the samples are exact.
   */
  public JsonObject run(URI target, Load load, Timing timing, Probe probe, LongConsumer samples) throws InterruptedException {
    Run run = new Run(load, timing, samples);
    JsonObject out = new JsonObject().put("load", load.name()).put("target", target.toString()).put("links", load.links())
        .put("inFlight", load.inFlight()).put("size", load.size()).put("text", load.text());
    List<Flow> flows = new ArrayList<>();
    String error = connectAll(target, load.links(), run, flows);
    if (error != null) {
      closeAll(flows);
      return out.put("ok", false).put("error", error);
    }
    for (Flow f : flows) {
      f.ctx.runOnContext(v -> f.start());
    }
    sleepSeconds(timing.warmupSeconds());

    run.latency.getIntervalHistogram(); // discard warm-up samples
    run.measuring = true;
    probe.measureStart();
    long r0 = run.received.sum();
    long b0 = run.bytes.sum();
    long t0 = System.nanoTime();
    sleepSeconds(timing.measureSeconds());
    long t1 = System.nanoTime();
    long r1 = run.received.sum();
    long b1 = run.bytes.sum();
    Histogram h = run.latency.getIntervalHistogram();
    run.measuring = false;
    probe.measureEnd();

    run.sending = false;
    long drainUntil = System.currentTimeMillis() + DRAIN_MS;
    while (System.currentTimeMillis() < drainUntil && outstanding(flows) > 0) {
      Thread.sleep(20);
    }
    closeAll(flows);

    double secs = (t1 - t0) / 1e9;
    long msgs = r1 - r0;
    out.put("ok", run.errors.sum() == 0 && run.closedEarly.sum() == 0 && msgs > 0)
        .put("seconds", secs)
        .put("messages", msgs)
        .put("bytes", b1 - b0)
        .put("messagesPerSec", msgs / secs)
        .put("megabytesPerSec", (b1 - b0) / secs / 1e6)
        .put("rttP50Micros", h.getValueAtPercentile(50) / 1e3)
        .put("rttP99Micros", h.getValueAtPercentile(99) / 1e3)
        .put("rttP999Micros", h.getValueAtPercentile(99.9) / 1e3)
        .put("rttMaxMicros", h.getMaxValue() / 1e3)
        .put("rttSamples", h.getTotalCount())
        .put("totalMessages", run.received.sum()) // warm-up and drain included: for per-process totals such as allocation
        .put("warmupMessages", r0)
        .put("errors", run.errors.sum())
        .put("closedEarly", run.closedEarly.sum());
    if (msgs == 0) {
      out.put("error", "no message came back during the measured interval");
    } else if (run.errors.sum() > 0) {
      out.put("error", run.errors.sum() + " echoes were wrong (size, fragmentation or unexpected)");
    } else if (run.closedEarly.sum() > 0) {
      out.put("error", run.closedEarly.sum() + " links closed during the run");
    }
    return out;
  }

  private static int outstanding(List<Flow> flows) {
    int n = 0;
    for (Flow f : flows) {
      n += f.outstanding; // racy read, only to end the drain early
    }
    return n;
  }

  /** Opens {@code n} links with at most {@link #CONNECT_CONCURRENCY} handshakes at once; null or the first error. */
  private String connectAll(URI target, int n, Run run, List<Flow> flows) throws InterruptedException {
    CountDownLatch done = new CountDownLatch(n);
    AtomicReference<String> firstError = new AtomicReference<>();
    AtomicInteger next = new AtomicInteger();
    List<Flow> made = Collections.synchronizedList(new ArrayList<>());
    Runnable[] launch = new Runnable[1];
    launch[0] =
        () -> {
          int i = next.getAndIncrement();
          if (i >= n) {
            return;
          }
          Context ctx = loops.get(i % loops.size());
          Flow flow = new Flow(ctx, run);
          ctx.runOnContext(
              v ->
                  connect(target)
                      .onComplete(
                          ar -> {
                            if (ar.succeeded()) {
                              WebSocket ws = ar.result();
                              flow.ws = ws;
                              ws.frameHandler(flow::onFrame);
                              ws.exceptionHandler(t -> {});
                              ws.closeHandler(
                                  x -> {
                                    if (run.sending) {
                                      run.closedEarly.increment();
                                    }
                                  });
                              made.add(flow);
                            } else {
                              firstError.compareAndSet(null, "connect failed: " + ar.cause());
                            }
                            done.countDown();
                            launch[0].run();
                          }));
        };
    for (int i = 0; i < Math.min(n, CONNECT_CONCURRENCY); i++) {
      launch[0].run();
    }
    boolean all = done.await(CONNECT_TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
    synchronized (made) {
      flows.addAll(made);
    }
    if (!all) {
      return "only " + (n - done.getCount()) + " of " + n + " links connected within " + CONNECT_TIMEOUT_MS + " ms";
    }
    return firstError.get();
  }

  /** Never throws: a bad address becomes a failed future, so the counting in the callers stays right. */
  private Future<WebSocket> connect(URI target) {
    try {
      return client.connect(connectOptions(target));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static WebSocketConnectOptions connectOptions(URI target) {
    String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
    return new WebSocketConnectOptions()
        .setHost(target.getHost())
        .setPort(target.getPort())
        .setURI(path)
        .setTimeout(CONNECT_TIMEOUT_MS)
        .setAllowOriginHeader(false);
  }

  private void closeAll(List<Flow> flows) throws InterruptedException {
    List<Future<Void>> closing = new ArrayList<>();
    for (Flow f : flows) {
      if (f.ws != null && !f.ws.isClosed()) {
        closing.add(f.ws.close());
      }
    }
    awaitAll(closing, 5_000);
  }

  private static void awaitAll(List<Future<Void>> futures, long millis) throws InterruptedException {
    CountDownLatch latch = new CountDownLatch(1);
    Future.join(futures).onComplete(ar -> latch.countDown());
    latch.await(millis, TimeUnit.MILLISECONDS);
  }

  // ---------------------------------------------------------------- idle links

  /**
   * Opens {@code n} idle links, reports through {@code onOpened} once all handshakes finished,
   * holds them {@code holdSeconds}, then proves each is still open end to end (one 16-byte message
   * each, echoed back) and closes them all.
   */
  public JsonObject idle(URI target, int n, int concurrency, double holdSeconds, Consumer<JsonObject> onOpened)
      throws InterruptedException {
    List<WebSocket> sockets = Collections.synchronizedList(new ArrayList<>());
    LongAdder closedEarly = new LongAdder();
    LongAdder echoed = new LongAdder();
    java.util.concurrent.atomic.AtomicBoolean holding = new java.util.concurrent.atomic.AtomicBoolean(true);
    CountDownLatch done = new CountDownLatch(n);
    AtomicReference<String> firstError = new AtomicReference<>();
    LongAdder failed = new LongAdder();
    AtomicInteger next = new AtomicInteger();
    Runnable[] launch = new Runnable[1];
    launch[0] =
        () -> {
          int i = next.getAndIncrement();
          if (i >= n) {
            return;
          }
          Context ctx = loops.get(i % loops.size());
          ctx.runOnContext(
              v ->
                  connect(target)
                      .onComplete(
                          ar -> {
                            if (ar.succeeded()) {
                              WebSocket ws = ar.result();
                              ws.exceptionHandler(t -> {});
                              ws.frameHandler(f -> {
                                if (f.isText() && f.isFinal()) {
                                  echoed.increment();
                                }
                              });
                              ws.closeHandler(x -> {
                                if (holding.get()) {
                                  closedEarly.increment();
                                }
                              });
                              sockets.add(ws);
                            } else {
                              failed.increment();
                              firstError.compareAndSet(null, String.valueOf(ar.cause()));
                            }
                            done.countDown();
                            launch[0].run();
                          }));
        };
    long t0 = System.nanoTime();
    for (int i = 0; i < Math.min(n, concurrency); i++) {
      launch[0].run();
    }
    long budgetMs = Math.max(60_000, n * 20L);
    boolean all = done.await(budgetMs, TimeUnit.MILLISECONDS);
    long openMs = (System.nanoTime() - t0) / 1_000_000;
    int opened = sockets.size();
    JsonObject opening = new JsonObject().put("links", n).put("opened", opened).put("failed", failed.sum())
        .put("openMillis", openMs).put("allHandshakesDone", all).put("firstError", firstError.get());
    onOpened.accept(opening);

    sleepSeconds(holdSeconds);
    long closedDuringHold = closedEarly.sum();
    int stillOpen = 0;
    List<WebSocket> snapshot;
    synchronized (sockets) {
      snapshot = new ArrayList<>(sockets);
    }
    for (WebSocket ws : snapshot) {
      if (!ws.isClosed()) {
        stillOpen++;
        ws.writeTextMessage("still-there-0001");
      }
    }
    long proveUntil = System.currentTimeMillis() + 15_000;
    while (echoed.sum() < stillOpen && System.currentTimeMillis() < proveUntil) {
      Thread.sleep(50);
    }
    holding.set(false);
    List<Future<Void>> closing = new ArrayList<>();
    for (WebSocket ws : snapshot) {
      if (!ws.isClosed()) {
        closing.add(ws.close());
      }
    }
    awaitAll(closing, 15_000);
    return opening.copy().put("holdSeconds", holdSeconds).put("closedDuringHold", closedDuringHold)
        .put("stillOpen", stillOpen).put("echoedAfterHold", echoed.sum());
  }

  // ---------------------------------------------------------------- numbered links (the soak)

  /**
   * What the client of a numbered run saw on one link: for every sequence number how often it came
   * back, which came back first after a higher one (out of order), and how many were not what was
   * sent (corrupted).
   */
  public static final class Ledger {
    public final int link;
    final byte[] copies;
    public final java.util.BitSet outOfOrder = new java.util.BitSet();
    public long corrupted;
    public long received;
    long firstArrivals;
    long maxSeen;
    long sent;
    /** Paced runs: messages this link may still send now (fractional; refilled by its timer). */
    double credit;
    public volatile boolean closedEarly;

    Ledger(int link, int messages) {
      this.link = link;
      this.copies = new byte[messages + 1];
    }

    /** How often {@code seq} came back (saturates at 127). */
    public int copies(long seq) {
      return copies[(int) seq];
    }

    public int messages() {
      return copies.length - 1;
    }

    /** How many numbers were sent: all of them, unless the run's time ran out first. */
    public long sent() {
      return sent;
    }
  }

  /**
   * The payload of message {@code seq} on {@code link}: the numbers, then filler derived from them, so
   * that any changed, cut or swapped byte shows.
   */
  public static String numbered(int link, long seq, int size) {
    StringBuilder b = new StringBuilder(size).append(link).append(':').append(seq).append(':');
    long x = link * 1_000_003L + seq;
    while (b.length() < size) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      b.append((char) ('a' + (int) ((x >>> 59) & 15)));
    }
    return b.toString();
  }

  /**
   * Sends {@code messages} numbered text messages on each of {@code links} links (the path of link i
   * is {@code target + "/" + i}, so the proxy's timeline tells them apart), {@code inFlight} at a
   * time, and checks every echo: the next message goes when a number arrives for the first time, so
   * duplicates do not inflate the window. Returns when every link has had every number back; after
   * {@code maxSeconds} it stops sending and waits up to 30 s for what was sent (so a run cut short by
   * time is still checked whole, up to {@link Ledger#sent()}). {@code progress} gets the total of
   * first arrivals once a second.
   *
   * <p>With {@code rate} > 0 the load is paced: at most {@code rate} messages a second in all, spread
   * evenly over the links, each link's timer granting its share every {@link #PACE_TICK_MS} ms (the
   * {@code inFlight} window still holds). Unused grants pile up to one second's share, so a link a
   * fault held back ({@code stall}, {@code delay}) catches up, one window at a time, and the run keeps
   * its rate on average; beyond a second behind the lag stays lost (the rate is a ceiling). With 0
   * every echo sends the next message at once (full speed).
   */
  public List<Ledger> numbered(URI target, int links, int messages, int inFlight, int size, double maxSeconds, LongConsumer progress)
      throws InterruptedException {
    return numbered(target, links, messages, inFlight, size, 0, maxSeconds, progress);
  }

  static final long PACE_TICK_MS = 10;

  public List<Ledger> numbered(URI target, int links, int messages, int inFlight, int size, double rate, double maxSeconds,
      LongConsumer progress) throws InterruptedException {
    List<Ledger> ledgers = new ArrayList<>();
    List<WebSocket> sockets = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch opened = new CountDownLatch(links);
    CountDownLatch finished = new CountDownLatch(links);
    LongAdder firsts = new LongAdder();
    java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.atomic.AtomicBoolean sending = new java.util.concurrent.atomic.AtomicBoolean(true);
    String base = target.toString().endsWith("/") ? target.toString() : target + "/";
    for (int i = 0; i < links; i++) {
      Ledger l = new Ledger(i + 1, messages);
      ledgers.add(l);
      Context ctx = loops.get(i % loops.size());
      ctx.runOnContext(v -> connect(URI.create(base + l.link)).onComplete(ar -> {
        if (ar.failed()) {
          l.closedEarly = true;
          opened.countDown();
          finished.countDown();
          return;
        }
        WebSocket ws = ar.result();
        sockets.add(ws);
        ws.exceptionHandler(t -> {});
        ws.closeHandler(x -> {
          if (running.get()) {
            l.closedEarly = true;
          }
        });
        ws.textMessageHandler(text -> {
          l.received++;
          int c1 = text.indexOf(':');
          int c2 = c1 < 0 ? -1 : text.indexOf(':', c1 + 1);
          long seq;
          try {
            seq = c2 < 0 ? -1 : Long.parseLong(text, c1 + 1, c2, 10);
          } catch (NumberFormatException e) {
            seq = -1;
          }
          if (seq < 1 || seq > messages || !text.equals(numbered(l.link, seq, size))) {
            l.corrupted++;
            return;
          }
          int c = l.copies[(int) seq];
          if (c < 127) {
            l.copies[(int) seq] = (byte) (c + 1);
          }
          if (c > 0) {
            return; // a duplicate: the ledger has it, the window does not move
          }
          if (seq < l.maxSeen) {
            l.outOfOrder.set((int) seq);
          } else {
            l.maxSeen = seq;
          }
          l.firstArrivals++;
          firsts.increment();
          if (rate > 0) {
            pace(l, ws, messages, inFlight, size, sending);
          } else if (l.sent < messages && sending.get()) {
            l.sent++;
            ws.writeTextMessage(numbered(l.link, l.sent, size));
          }
          if (l.firstArrivals == messages) {
            finished.countDown();
          }
        });
        opened.countDown();
        if (rate > 0) {
          double perSecond = rate / links;
          double perTick = perSecond * PACE_TICK_MS / 1000.0;
          l.credit = Math.min(perTick, inFlight);
          pace(l, ws, messages, inFlight, size, sending);
          // A timer set on the link's event loop fires on it, so the ledger stays single-threaded.
          vertx.setPeriodic(PACE_TICK_MS, PACE_TICK_MS, id -> {
            if (l.sent >= messages || !sending.get() || ws.isClosed()) {
              vertx.cancelTimer(id);
              return;
            }
            l.credit = Math.min(l.credit + perTick, Math.max(inFlight, perSecond));
            pace(l, ws, messages, inFlight, size, sending);
          });
        } else {
          for (int k = 0; k < inFlight && l.sent < messages; k++) {
            l.sent++;
            ws.writeTextMessage(numbered(l.link, l.sent, size));
          }
        }
      }));
    }
    opened.await(CONNECT_TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
    long until = System.nanoTime() + (long) (maxSeconds * 1e9);
    while (System.nanoTime() < until && !finished.await(1, TimeUnit.SECONDS)) {
      progress.accept(firsts.sum());
    }
    if (finished.getCount() > 0) {
      sending.set(false);
      long drain = System.nanoTime() + 30_000_000_000L;
      while (System.nanoTime() < drain && ledgers.stream().anyMatch(l -> !l.closedEarly && l.firstArrivals < l.sent)) {
        Thread.sleep(100); // racy reads of the ledgers, only to end the drain early
      }
    }
    progress.accept(firsts.sum());
    Thread.sleep(500); // late duplicates (a gap) land in the ledger too
    running.set(false);
    List<Future<Void>> closing = new ArrayList<>();
    synchronized (sockets) {
      for (WebSocket ws : sockets) {
        if (!ws.isClosed()) {
          closing.add(ws.close());
        }
      }
    }
    awaitAll(closing, 15_000);
    return ledgers;
  }

  /** Sends what the link's credit and window allow (on the link's event loop). */
  private static void pace(Ledger l, WebSocket ws, int messages, int inFlight, int size,
      java.util.concurrent.atomic.AtomicBoolean sending) {
    while (l.credit >= 1 && l.sent < messages && l.sent - l.firstArrivals < inFlight && sending.get()) {
      l.credit--;
      l.sent++;
      ws.writeTextMessage(numbered(l.link, l.sent, size));
    }
  }

  // ---------------------------------------------------------------- reconnect storm

  /**
   * A reconnecting client in a hot loop, as a library behaves against a server that closes at once:
   * {@code parallel} loops, each opening a link and, as soon as it closes (or fails), opening the
   * next, for {@code seconds}. Returns the attempts, opens and failures.
   */
  public JsonObject storm(URI target, int parallel, double seconds) throws InterruptedException {
    LongAdder attempts = new LongAdder();
    LongAdder opens = new LongAdder();
    LongAdder failures = new LongAdder();
    long until = System.nanoTime() + (long) (seconds * 1e9);
    CountDownLatch done = new CountDownLatch(parallel);
    for (int i = 0; i < parallel; i++) {
      Context ctx = loops.get(i % loops.size());
      Runnable[] again = new Runnable[1];
      again[0] = () -> {
        if (System.nanoTime() >= until) {
          done.countDown();
          return;
        }
        attempts.increment();
        connect(target).onComplete(ar -> {
          if (ar.failed()) {
            failures.increment();
            ctx.runOnContext(v -> again[0].run());
            return;
          }
          opens.increment();
          WebSocket ws = ar.result();
          ws.exceptionHandler(t -> {});
          ws.closeHandler(v -> ctx.runOnContext(x -> again[0].run()));
        });
      };
      ctx.runOnContext(v -> again[0].run());
    }
    done.await((long) (seconds * 1000) + 30_000, TimeUnit.MILLISECONDS);
    return new JsonObject().put("attempts", attempts.sum()).put("opens", opens.sum()).put("failures", failures.sum())
        .put("seconds", seconds).put("parallel", parallel);
  }

  private static void sleepSeconds(double s) throws InterruptedException {
    Thread.sleep(Math.max(0, Math.round(s * 1000)));
  }

  @Override
  public void close() {
    try {
      client.close().await();
    } catch (Exception ignored) {
      // closing anyway
    }
    vertx.close().await();
  }

  // ---------------------------------------------------------------- command line

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || !(args[0].equals("run") || args[0].equals("idle") || args[0].equals("storm"))) {
      usage();
    }
    String mode = args[0];
    URI url = null;
    int links = 1, inFlight = 1, size = 64, loopsN = 2, concurrency = 200;
    boolean text = true;
    double warmup = 1, duration = 5, hold = 30;
    long maxMessages = 50_000_000L;
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--url" -> url = URI.create(args[++i]);
        case "--links" -> links = Integer.parseInt(args[++i]);
        case "--in-flight" -> inFlight = Integer.parseInt(args[++i]);
        case "--size" -> size = Integer.parseInt(args[++i]);
        case "--binary" -> text = false;
        case "--warmup" -> warmup = Double.parseDouble(args[++i]);
        case "--duration" -> duration = Double.parseDouble(args[++i]);
        case "--max-messages" -> maxMessages = Long.parseLong(args[++i]);
        case "--event-loops" -> loopsN = Integer.parseInt(args[++i]);
        case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
        case "--hold" -> hold = Double.parseDouble(args[++i]);
        case "--url-env" -> url = URI.create(System.getenv(args[++i]));
        default -> usage();
      }
    }
    if (url == null || url.getPort() <= 0 || !"127.0.0.1".equals(url.getHost()) && !"localhost".equals(url.getHost())) {
      System.err.println("LoadGenerator: --url must be a ws:// URL on 127.0.0.1 with a port (the benchmark stays on loopback)");
      System.exit(2);
    }
    if (duration > 600 || hold > 600 || warmup > 60) {
      System.err.println("LoadGenerator: a run is bounded to 60 s warm-up and 600 s measure/hold");
      System.exit(2);
    }
    int code = 0;
    try (LoadGenerator gen = new LoadGenerator(loopsN)) {
      JsonObject result;
      if (mode.equals("storm")) {
        result = gen.storm(url, concurrency, duration);
        System.out.println("STORM " + result.encode());
      } else if (mode.equals("run")) {
        result = gen.run(url, new Load("cli", links, inFlight, size, text), new Timing(warmup, duration, maxMessages),
            new Probe() {
              public void measureStart() {}

              public void measureEnd() {}
            });
        System.out.println(result.encode());
      } else {
        result = gen.idle(url, links, concurrency, hold, o -> {
          System.out.println("OPENED " + o.encode());
          System.out.flush();
        });
        System.out.println("RESULT " + result.encode());
      }
      System.out.flush();
      if (!result.getBoolean("ok", true)) {
        code = 1;
      }
    }
    System.exit(code);
  }

  private static void usage() {
    System.err.println(
        "usage: LoadGenerator run  --url ws://127.0.0.1:PORT/ [--links 1] [--in-flight 1] [--size 64] [--binary] [--warmup 1] [--duration 5] [--max-messages N] [--event-loops 2]\n"
            + "       LoadGenerator idle --url ws://127.0.0.1:PORT/ --links N [--concurrency 200] [--hold 30] [--event-loops 2]\n"
            + "       LoadGenerator storm (--url URL | --url-env VAR) [--concurrency 8] [--duration 25]: reconnect in a hot loop");
    System.exit(2);
  }
}
