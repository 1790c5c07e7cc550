package io.wschaos.embed;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.wschaos.expect.Expectation;
import io.wschaos.expect.Judging;
import io.wschaos.expect.Verdict;
import io.wschaos.expect.builtin.BuiltinExpectations;
import io.wschaos.fault.builtin.BuiltinFaults;
import io.wschaos.journal.RunJournal;
import io.wschaos.journal.VerdictEntry;
import io.wschaos.proxy.LinkStats;
import io.wschaos.proxy.ProxyOptions;
import io.wschaos.proxy.ProxyServer;
import io.wschaos.report.HtmlReport;
import io.wschaos.expect.Messages;
import io.wschaos.scenario.ScenarioLoader;
import io.wschaos.spec.Failures;
import io.wschaos.spec.SpecException;
import io.wschaos.spec.Tolerance;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.JsonlWriter;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Redactor;
import io.wschaos.timeline.Timeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * A wschaos proxy in this JVM, in front of a real upstream: point the client under test at {@link
 * #url()}, add faults, and judge what the client did with the expectations of {@code wschaos run}.
 *
 * <pre>{@code
 * try (WsChaosProxy proxy = WsChaos.proxy().upstream(URI.create("ws://127.0.0.1:9000/")).start()) {
 *   proxy.faults().add("restart", Fault.close(1001).to(Side.CLIENT).on(On.open(1)).after(ofSeconds(2)));
 *   myClient.connect(proxy.url());
 *   Verdict v = proxy.verify(Expect.reconnect().after(End.close(1001)).within(ofSeconds(3)));
 * }
 * }</pre>
 *
 * <p><b>Time.</b> Proxy time t = 0 is when it started listening, or its last {@link #reset()}: the
 * {@code at:} of faults and every time in a verdict's sentence count from it. The proxy records a
 * run header there, as the runner does for a scenario, so judging sees the same timeline shape.
 *
 * <p>Thread-safe. {@link #close()} stops its threads and sockets; nothing is left running.
 */
public final class WsChaosProxy implements AutoCloseable {
  /** How long {@link #verify(Expect)} waits at most for a verdict to settle, by default. */
  public static final Duration DEFAULT_VERIFY_TIMEOUT = Duration.ofSeconds(10);
  private static final long POLL_MS = 25;

  private final String name;
  private final Vertx vertx;
  private final ProxyServer server;
  private final Timeline timeline;
  private final int clients;
  private final long seed;
  private final Tolerance tolerance;
  private final Messages messages;
  private final Duration verifyTimeout;
  private final Faults faults;
  private final Object lock = new Object();
  // the epoch: what judging and timeline() see (guarded by lock)
  private long epochAfterSeq;
  private long epochOrigin;
  private Instant epochStarted;
  private final Map<String, VerdictEntry> verdicts = new LinkedHashMap<>();
  private final Map<Expect, String> entryIds = new LinkedHashMap<>();
  private boolean closed;

  /** Settings; {@link #start()} starts the proxy. Get one from {@link WsChaos#proxy()}. */
  public static final class Builder {
    private URI upstream;
    private String host = "127.0.0.1";
    private int port;
    private long seed;
    private int clients = 1;
    private Tolerance tolerance = Tolerance.DEFAULT;
    private Duration verifyTimeout = DEFAULT_VERIFY_TIMEOUT;
    private Duration upstreamTimeout = Duration.ofSeconds(60);
    private String name = "wschaos";
    private Messages messages = Messages.NONE;
    private final List<Object> faults = new ArrayList<>();

    Builder() {}

    /** The real server, {@code ws://host:port[/base]} or {@code wss://…} (required). */
    public Builder upstream(URI upstream) {
      this.upstream = Objects.requireNonNull(upstream, "upstream");
      return this;
    }

    public Builder upstream(String upstream) {
      try {
        return upstream(URI.create(Objects.requireNonNull(upstream, "upstream")));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(List.of("upstream: '" + upstream + "' is not a URL (e.g. ws://127.0.0.1:9000)"));
      }
    }

    /** Where clients connect (default 127.0.0.1 and a free port). */
    public Builder listen(String host, int port) {
      this.host = Objects.requireNonNull(host, "host");
      this.port = port;
      return this;
    }

    /** The seed every random fault decision derives from (default 0). */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Logical clients (default 1): each gets its own port, {@link #url(int)}, and is judged alone
     * (DESIGN "per client, per socket"), as the runner's client instances are.
     */
    public Builder clients(int n) {
      if (n < 1) {
        throw new ConfigException(List.of("clients: " + n + " is not a number of clients (1 or more)"));
      }
      this.clients = n;
      return this;
    }

    /** The default leniency of duration comparisons (100 ms + 5 % unless set). */
    public Builder tolerance(Duration absolute, double relative) {
      this.tolerance = new Tolerance(absolute, relative);
      return this;
    }

    /** How long {@link #verify(Expect)} waits at most for a verdict to settle (default 10 s). */
    public Builder verifyTimeout(Duration d) {
      if (d == null || d.isNegative()) {
        throw new ConfigException(List.of("verifyTimeout: a duration of 0 or more"));
      }
      this.verifyTimeout = d;
      return this;
    }

    /** How long the upstream may take to answer the upgrade before the client gets 504 (default 60 s). */
    public Builder upstreamTimeout(Duration d) {
      this.upstreamTimeout = d;
      return this;
    }

    /**
     * What sequence numbers, acks, heartbeats and client ids look like here: a scenario's {@code
     * messages:} block, in YAML or JSON ({@code "{seq: {to: client, match: {type: data}, field: /seq},
     * ack: {to: server, match: {type: ack}, field: /seq}}"}); expectations then name them
     * ({@code delivered: {to: client, seq: seq}}), and their defaults use them, as in a scenario.
     *
     * @throws ConfigException with every problem located in the text ({@code messages:1:40: messages.seq.field: …})
     */
    public Builder messages(String block) {
      try {
        this.messages = new ScenarioLoader(BuiltinFaults.catalog(), BuiltinExpectations.catalog()).parseMessages(block, "messages");
      } catch (SpecException e) {
        throw new ConfigException(e.problems().stream().map(Object::toString).toList());
      }
      return this;
    }

    /** The name in the run header and in reports (default {@code wschaos}). */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /** A fault armed at start, with id f1, f2… by position unless it has one. */
    public Builder fault(Fault fault) {
      faults.add(Objects.requireNonNull(fault, "fault"));
      return this;
    }

    /** A fault armed at start, written in YAML or JSON. */
    public Builder fault(String entry) {
      faults.add(Objects.requireNonNull(entry, "entry"));
      return this;
    }

    /** Listens; the proxy accepts connections when this returns. */
    public WsChaosProxy start() {
      if (upstream == null) {
        throw new ConfigException(List.of("upstream: required, e.g. WsChaos.proxy().upstream(URI.create(\"ws://127.0.0.1:9000\"))"));
      }
      ProxyOptions options;
      try {
        options = ProxyOptions.of(upstream).withListen(host, port).withSeed(seed).withInstances(clients)
            .withUpstreamTimeout(upstreamTimeout).withEventLoops(Math.min(2, Runtime.getRuntime().availableProcessors()));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(List.of("upstream: " + e.getMessage()));
      }
      List<Fault> initial = new ArrayList<>();
      for (Object f : faults) {
        initial.add(f instanceof Fault x ? x : Fault.parse((String) f));
      }
      return new WsChaosProxy(this, options, initial);
    }
  }

  private WsChaosProxy(Builder b, ProxyOptions options, List<Fault> initial) {
    this.name = b.name;
    this.clients = b.clients;
    this.seed = b.seed;
    this.tolerance = b.tolerance;
    this.messages = b.messages;
    this.verifyTimeout = b.verifyTimeout;
    this.timeline = new Timeline(Level.PREVIEW);
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(options.eventLoops()).setWorkerPoolSize(2)
        .setInternalBlockingPoolSize(2));
    try {
      this.server = ProxyServer.start(vertx, options, timeline).await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      Closing.vertx(vertx);
      timeline.close();
      throw new IllegalStateException("the proxy could not listen on " + options.listenHost() + ":" + options.listenPort() + ": "
          + Failures.describe(e), e);
    }
    server.faults().instances(clients);
    this.faults = new Faults(server.faults());
    newEpoch();
    try {
      for (Fault f : initial) {
        faults.add(f);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Starts a new epoch: run header, fault origin, verdicts forgotten. */
  private void newEpoch() {
    synchronized (lock) {
      Event header = timeline.record(0, 0, new EventBody.Scenario(name, Long.toString(seed), 0));
      epochAfterSeq = header.seq() - 1;
      epochOrigin = header.t();
      epochStarted = Instant.now();
      verdicts.clear();
      entryIds.clear();
      server.faults().origin(epochOrigin);
    }
  }

  /** The URL clients connect to: {@code ws://127.0.0.1:PORT/} (client 1's when there are several). */
  public URI url() {
    return url(1);
  }

  /** Logical client {@code client}'s URL (1 … {@code clients}). */
  public URI url(int client) {
    return URI.create("ws://" + hostForUrl() + ":" + server.port(client) + "/");
  }

  private String hostForUrl() {
    String h = server.options().listenHost();
    return "0.0.0.0".equals(h) ? "127.0.0.1" : h.contains(":") ? "[" + h + "]" : h;
  }

  /** Add, remove and list faults. */
  public Faults faults() {
    return faults;
  }

  /** The live links now: counters and queued bytes each way. */
  public List<LinkStats> links() {
    return server.links();
  }

  /** The events of this epoch (since the start or the last {@link #reset()}), oldest first. */
  public List<Event> timeline() {
    long after;
    synchronized (lock) {
      after = epochAfterSeq;
    }
    return timeline.since(after);
  }

  /** Proxy time now, in µs since t = 0 (the start or the last reset). */
  public long nowMicros() {
    synchronized (lock) {
      return timeline.now() - epochOrigin;
    }
  }

  /**
   * Waits until {@code condition} holds on the timeline and returns the event that satisfied it.
   *
   * @throws AssertionError when it has not held within {@code timeout}, with the timeline so far
   */
  public Event await(Events condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Event e = condition.find(timeline());
      if (e != null) {
        return e;
      }
      if (System.nanoTime() >= deadline) {
        throw new AssertionError("wschaos: waited " + io.wschaos.spec.Durations.format(timeout) + " for " + condition
            + "; none came\n" + TimelineText.tail(timeline(), epochOrigin(), 30));
      }
      sleep();
    }
  }

  /**
   * Judges {@code expectation} on this epoch's timeline, as {@code wschaos run} would if the run
   * ended now, after waiting for the verdict to settle: a final verdict (a pass or fail no later
   * event can change) returns at once; a pass that only later events could spoil returns at once
   * too, judged as the run's end; an undecided one (a window still open, a reconnect still due) is
   * waited for, up to the proxy's verify timeout (default 10 s), and then judged as the run's end.
   * The verdict is recorded on the timeline as a {@code verdict} event, as the runner does.
   *
   * @throws ConfigException when the expectation's parameters are invalid
   */
  public Verdict verify(Expect expectation) {
    return verify(expectation, verifyTimeout);
  }

  /** {@link #verify(Expect)} waiting at most {@code maxWait} for the verdict to settle. */
  public Verdict verify(Expect expectation, Duration maxWait) {
    Expectation x = expectation.expectation();
    long deadline = System.nanoTime() + maxWait.toNanos();
    Verdict v;
    while (true) {
      v = judge(x, false);
      if (v.isFinal()) {
        break;
      }
      if (v.passed() || System.nanoTime() >= deadline) {
        v = judge(x, true);
        break;
      }
      sleep();
    }
    record(expectation, v);
    return v;
  }

  /** Judges now, without waiting: the verdict as it stands (maybe not final). Nothing is recorded. */
  public Verdict judgeNow(Expect expectation) {
    return judge(expectation.expectation(), false);
  }

  private Verdict judge(Expectation x, boolean runOver) {
    List<Event> events = timeline();
    long now = timeline.now();
    Judging j = new Judging(events, now, runOver, clients, now, tolerance, messages);
    try {
      Verdict v = x.judge(j);
      return runOver && !v.isFinal() ? new Verdict(v.status(), true, v.sentence(), v.evidence()) : v;
    } catch (RuntimeException e) {
      return Verdict.fail("could not be judged: " + Failures.describe(e), List.of());
    }
  }

  private void record(Expect expectation, Verdict v) {
    String id;
    synchronized (lock) {
      // the same entry verified again replaces its verdict; another entry of the same name is name#2…
      id = entryIds.get(expectation);
      if (id == null) {
        long same = entryIds.keySet().stream().filter(e -> e.name().equals(expectation.name())).count();
        id = same == 0 ? expectation.name() : expectation.name() + "#" + (same + 1);
        entryIds.put(expectation, id);
      }
      verdicts.put(id, new VerdictEntry(id, expectation.name(), v));
    }
    timeline.record(0, 0, new EventBody.Verdict(id, v.status().wire(), v.sentence(), v.evidence()));
  }

  /** What {@link #verify} gave in this epoch, in order. */
  public List<VerdictEntry> verdicts() {
    synchronized (lock) {
      return List.copyOf(verdicts.values());
    }
  }

  /**
   * Removes every fault and starts a new epoch: {@link #timeline()}, judging and the {@code at:} of
   * faults count from now, and earlier verdicts are forgotten. Live links stay open. (The fault
   * triggers' open counts, {@code on: {open: N}}, go on counting from the proxy's start.)
   */
  public void reset() {
    faults.clear();
    newEpoch();
  }

  /**
   * The epoch as a run journal, named {@code name}: what {@code HtmlReport} and the JSONL report
   * read. Verdicts are those {@link #verify} gave.
   */
  public RunJournal journal(String name) {
    long origin;
    Instant started;
    synchronized (lock) {
      origin = epochOrigin;
      started = epochStarted;
    }
    return new RunJournal(name, null, seed, 1, 1, clients, started, Instant.now(), origin, timeline.now() - origin, false,
        timeline(), null, verdicts(), null);
  }

  /** Writes this epoch's timeline as JSON Lines (docs/timeline.md), secrets redacted. */
  public Path writeTimeline(Path file) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
      JsonlWriter.write(file, timeline(), Redactor.ON);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes {@code <name>.jsonl} and {@code <name>.html} (the self-contained timeline report of
   * {@code wschaos run --report}) into {@code dir}; returns the HTML page.
   */
  public Path writeReport(Path dir, String name) {
    writeTimeline(dir.resolve(name + ".jsonl"));
    Path html = dir.resolve(name + ".html");
    try {
      Files.writeString(html, HtmlReport.page(journal(name), Redactor.ON), StandardCharsets.UTF_8);
      return html;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + html + ": " + e.getMessage(), e);
    }
  }

  /** The verdict, the expectation and the slice of the timeline it rests on, for a failure message. */
  public String explain(Expect expectation, Verdict v) {
    return TimelineText.explain(expectation.toString(), v, timeline(), epochOrigin());
  }

  private long epochOrigin() {
    synchronized (lock) {
      return epochOrigin;
    }
  }

  /** Closes every live link with 1001, stops listening and stops its threads. Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    try {
      server.close().await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // its event loops go with Vert.x below
    }
    Closing.vertx(vertx);
    timeline.close();
  }

  /** {@code WsChaosProxy[ws://127.0.0.1:PORT/ -> ws://upstream/]}. */
  @Override
  public String toString() {
    return "WsChaosProxy[" + url() + " -> " + server.options().upstream() + "]";
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting", e);
    }
  }
}
