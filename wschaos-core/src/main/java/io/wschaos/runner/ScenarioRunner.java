package io.wschaos.runner;

import io.vertx.core.Vertx;
import io.wschaos.expect.Judging;
import io.wschaos.expect.Story;
import io.wschaos.expect.Verdict;
import io.wschaos.fault.FaultSpec;
import io.wschaos.fault.Trigger;
import io.wschaos.fault.builtin.IdleTimeoutFault;
import io.wschaos.journal.RunJournal;
import io.wschaos.journal.VerdictEntry;
import io.wschaos.pipeline.FaultEngine;
import io.wschaos.proxy.ProxyOptions;
import io.wschaos.proxy.ProxyServer;
import io.wschaos.scenario.ClientSpec;
import io.wschaos.scenario.ExpectationSpec;
import io.wschaos.expect.Messages;
import io.wschaos.scenario.Scenario;
import io.wschaos.scenario.ServerSpec;
import io.wschaos.spec.Durations;
import io.wschaos.spec.Failures;
import io.wschaos.spec.Tolerance;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Phase;
import io.wschaos.timeline.Timeline;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Plays one scenario (DESIGN.md, "Exact semantics": Time and counting, Final, Processes) and returns
 * its {@link RunJournal}:
 *
 * <ol>
 *   <li>a timeline at level preview; the server: the builtin feed in this JVM, a running {@code url},
 *       or a {@code command} with {@code PORT} in its environment, ready once its port accepts TCP
 *       within {@code ready.timeout} (10 s);
 *   <li>the proxy in front of it with one client-facing port per client instance; scenario t = 0 is
 *       now: the fault engine's origin, then {@code proxy.idle_timeout} and every fault;
 *       restart_server reaches the server through {@link Upstream#control()};
 *   <li>the clients: instance i runs {@code client.command} with {@code WSCHAOS_URL} (its own port),
 *       {@code WSCHAOS_INSTANCE=i}, {@code WSCHAOS_SCENARIO}, {@code WSCHAOS_SEED} and
 *       {@code client.env}; an external client is told its URL through {@link Options#notices()}
 *       and awaited {@code client.wait} (60 s) for a first attempt;
 *   <li>every {@link Options#tick()} each expectation is judged from the timeline (less often when
 *       judging takes more than a fifth of the time: a storm's tens of thousands of events); a verdict that
 *       became final is recorded as a {@code verdict} event at once; the run ends early when every
 *       verdict is final, else at {@code duration};
 *   <li>teardown, with the timeline's phase set to teardown first: the clients (TERM to each process
 *       group, grace 2 s, output still recorded), then the proxy, then the server; then the
 *       verdicts not final yet are judged with {@code runOver} and recorded.
 * </ol>
 *
 * <p>Environment errors — the server never ready, its port in use, a client that exits before any
 * attempt of its instance, an external client that never comes, setsid missing, a restart that
 * does not come back — end the run at once, through the same teardown, with one message in {@link
 * RunJournal#environmentError()}.
 *
 * <p><b>Clocks.</b> Events are on the timeline's clock (µs since the timeline was created, which is
 * before the server started): {@code Judging.nowMicros} is {@code timeline.now()} and {@code
 * Judging.durationMicros} is the hard stop on that clock, origin + duration. The run header (a
 * {@code scenario} event at t = 0) records the origin, and judging converts every time to scenario
 * time from it; the journal carries it too.
 *
 * <p>Thread-safe: several scenarios may run at once on one runner (one Vert.x, one supervisor).
 */
public final class ScenarioRunner {
  /** Used when a scenario has no duration (the loader normally fills it in). */
  public static final Duration DEFAULT_DURATION = Duration.ofSeconds(20);
  /** How long an external client may take to make its first attempt, by default. */
  public static final Duration DEFAULT_CLIENT_WAIT = Duration.ofSeconds(60);

  /**
   * @param tick how often expectations are judged
   * @param exitGrace how long after a client's exit an attempt of it may still be recorded before
   *     "exited before any attempt" is concluded (the exit and the proxy's accept race)
   * @param workingDirectory where server and client commands run
   * @param notices one-line messages for the person running the suite (an external client's URL)
   */
  public record Options(Duration tick, Duration exitGrace, Path workingDirectory, Consumer<String> notices) {
    public Options {
      Objects.requireNonNull(tick, "tick");
      Objects.requireNonNull(exitGrace, "exitGrace");
      Objects.requireNonNull(notices, "notices");
    }

    public static Options defaults() {
      return new Options(Duration.ofMillis(50), Duration.ofMillis(300), Path.of("").toAbsolutePath(), s -> {});
    }

    public Options withNotices(Consumer<String> notices) {
      return new Options(tick, exitGrace, workingDirectory, notices);
    }

    public Options withWorkingDirectory(Path dir) {
      return new Options(tick, exitGrace, dir, notices);
    }
  }

  /** After a judgement that took d, the next waits at least this many d: judging gets at most 1/(1+n) of the time. */
  private static final long JUDGING_SHARE_REST = 4;

  private final Vertx vertx;
  private final ProcessSupervisor processes;
  private final Options options;
  private final Set<Run> running = ConcurrentHashMap.newKeySet();

  /**
   * @param vertx where the proxy and the builtin server run; the caller owns it
   * @param processes starts and stops server and client commands; its grace is the clients' grace
   */
  public ScenarioRunner(Vertx vertx, ProcessSupervisor processes, Options options) {
    this.vertx = vertx;
    this.processes = processes;
    this.options = options;
  }

  /** Runs {@code scenario} once; blocks until its teardown is over. */
  public RunJournal run(Scenario scenario) {
    return run(scenario, 1, 1);
  }

  /** Runs {@code scenario} as run {@code run} of {@code runs} ({@code --repeat}). */
  public RunJournal run(Scenario scenario, int run, int runs) {
    Run r = new Run(scenario, run, runs);
    running.add(r);
    try {
      return r.execute();
    } finally {
      running.remove(r);
    }
  }

  /** Ends every run in progress now, through the usual teardown; each becomes an error ("cancelled"). */
  public void cancel() {
    running.forEach(Run::cancel);
  }

  /** One run of one scenario. */
  private final class Run {
    private final Scenario scenario;
    private final int run;
    private final int runs;
    private final ClientSpec client;
    private final int instances;
    private final long durationMicros;
    private final Timeline timeline = new Timeline(Level.PREVIEW);
    private final List<SupervisedProcess> clients = new ArrayList<>();
    private final Map<String, Verdict> verdicts = new LinkedHashMap<>();
    // What environmentProblem() needs, kept up to date by pull().
    private final Set<Integer> attempted = new java.util.HashSet<>();
    private final Map<Integer, Event> exits = new LinkedHashMap<>();
    private final Map<Integer, ClientOutput> output = new java.util.HashMap<>();
    private volatile String asyncError;
    private volatile boolean cancelled;
    private String error;
    private long origin;
    private long lastSeq;
    private boolean endedEarly;
    private long nextJudge = Long.MIN_VALUE;
    private Judging lastJudging;
    private Upstream upstream;
    private ProxyServer proxy;

    Run(Scenario scenario, int run, int runs) {
      this.scenario = scenario;
      this.run = run;
      this.runs = runs;
      this.client = scenario.client();
      this.instances = client.external() ? 1 : Math.max(1, client.instances());
      this.durationMicros = Durations.micros(scenario.duration() == null ? DEFAULT_DURATION : scenario.duration());
    }

    void cancel() {
      cancelled = true;
    }

    RunJournal execute() {
      Instant started = Instant.now();
      try {
        upstream = startServer(scenario.server());
        proxy = startProxy(upstream.uri());
        // The run header: its t is scenario t = 0, which judging and every sentence count from.
        origin = timeline.record(0, 0, new EventBody.Scenario(scenario.name(), Long.toString(scenario.seed()), durationMicros)).t();
        FaultEngine engine = proxy.faults();
        engine.origin(origin);
        engine.instances(instances);
        engine.serverControl(upstream.control());
        addFaults(engine);
        startClients();
        play();
      } catch (EnvironmentException e) {
        error = e.getMessage();
      } catch (RuntimeException e) {
        error = "internal error: " + Failures.describe(e);
      } finally {
        teardown();
      }
      List<VerdictEntry> entries = conclude();
      timeline.close();
      List<Event> events = null;
      Path file = null;
      Timeline.Stats stats = timeline.stats();
      if (stats.firstInMemory() > 1 && stats.file() != null) {
        file = stats.file(); // outgrew memory: the spill file holds it all
      } else {
        events = timeline.events();
      }
      return new RunJournal(
          scenario.name(), scenario.file(), scenario.seed(), run, runs, instances, started, Instant.now(), origin,
          durationMicros, endedEarly, events, file, entries, error);
    }

    // ---- setting up ----

    private Upstream startServer(ServerSpec s) throws EnvironmentException {
      Consumer<String> failed = why -> asyncError = why;
      if (s.builtin() != null) {
        return BuiltinUpstream.start(vertx, s.builtin(), s.options(), timeline, failed);
      }
      if (s.command() != null) {
        return CommandUpstream.start(
            processes, timeline, s.command(), s.port(), s.path(), s.readyTimeout(), s.env(), options.workingDirectory(), failed);
      }
      URI url;
      try {
        url = URI.create(Objects.requireNonNull(s.url(), "server needs builtin, url or command"));
      } catch (IllegalArgumentException | NullPointerException e) {
        throw new EnvironmentException("server: " + e.getMessage(), e);
      }
      int port = url.getPort() > 0 ? url.getPort() : "wss".equals(url.getScheme()) ? 443 : 80;
      Duration ready = s.readyTimeout() == null ? CommandUpstream.DEFAULT_READY : s.readyTimeout();
      if (Ports.awaitAccepting(url.getHost(), port, ready, () -> cancelled ? "cancelled" : null) != null) {
        throw new EnvironmentException(
            "the server " + url + " did not accept connections on " + url.getHost() + ":" + port + " within " + CommandUpstream.seconds(ready));
      }
      timeline.record(0, 0, new EventBody.ServerProcess("ready", null, null, url.getHost() + ":" + port + " accepts connections"));
      return new Upstream.External(url);
    }

    private ProxyServer startProxy(URI upstreamUri) throws EnvironmentException {
      ProxyOptions o;
      try {
        o = ProxyOptions.of(upstreamUri).withSeed(scenario.seed()).withInstances(instances);
        if (scenario.proxy() != null && scenario.proxy().upstreamTimeout() != null) {
          o = o.withUpstreamTimeout(scenario.proxy().upstreamTimeout());
        }
      } catch (IllegalArgumentException e) {
        throw new EnvironmentException("server: " + e.getMessage(), e);
      }
      try {
        return ProxyServer.start(vertx, o, timeline).await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        throw new EnvironmentException("the proxy could not listen on " + o.listenHost() + ": " + Failures.describe(e), e);
      }
    }

    private void addFaults(FaultEngine engine) throws EnvironmentException {
      List<FaultSpec> all = new ArrayList<>();
      boolean listed = scenario.faults() != null && scenario.faults().stream().anyMatch(f -> "proxy.idle_timeout".equals(f.id()));
      if (scenario.proxy() != null && scenario.proxy().idleTimeout() != null && !listed) {
        // scenarios built in code; the YAML loader already lists it among the faults
        all.add(new FaultSpec(
            "proxy.idle_timeout", "idle_timeout",
            new IdleTimeoutFault(new IdleTimeoutFault.Params(scenario.proxy().idleTimeout(), null, null)),
            Trigger.immediate(null), null, null));
      }
      all.addAll(scenario.faults() == null ? List.of() : scenario.faults());
      for (FaultSpec f : all) {
        try {
          engine.add(f);
        } catch (IllegalArgumentException e) {
          throw new EnvironmentException("fault " + f.id() + ": " + e.getMessage(), e);
        }
      }
    }

    private void startClients() throws EnvironmentException {
      if (client.external()) {
        Duration wait = client.waitFor() == null ? DEFAULT_CLIENT_WAIT : client.waitFor();
        options.notices().accept(
            scenario.name() + ": waiting up to " + CommandUpstream.seconds(wait) + " for a client on " + url(1));
        return;
      }
      if (client.command() == null || client.command().isBlank()) {
        throw new EnvironmentException("no client to run: client.command is empty (or use --client CMD / --client external)");
      }
      for (int i = 1; i <= instances; i++) {
        Map<String, String> env = new LinkedHashMap<>();
        if (client.env() != null) {
          env.putAll(client.env());
        }
        env.put("WSCHAOS_URL", url(i));
        env.put("WSCHAOS_INSTANCE", Integer.toString(i));
        env.put("WSCHAOS_SCENARIO", scenario.name());
        env.put("WSCHAOS_SEED", Long.toString(scenario.seed()));
        int instance = i;
        SupervisedProcess p = processes.start(
            instances == 1 ? "client" : "client " + i, client.command(), env, options.workingDirectory(),
            (action, pid, code, line) -> timeline.record(0, instance, new EventBody.ClientProcess(action, pid, code, line)));
        synchronized (clients) {
          clients.add(p);
        }
      }
    }

    private String url(int instance) {
      return "ws://" + Ports.HOST + ":" + proxy.port(instance) + "/";
    }

    // ---- running ----

    private void play() throws EnvironmentException {
      long deadline = origin + durationMicros;
      long tickMillis = Math.max(1, options.tick().toMillis());
      while (true) {
        try {
          Thread.sleep(tickMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new EnvironmentException("interrupted");
        }
        pull();
        String problem = environmentProblem(false);
        if (problem != null) {
          throw new EnvironmentException(problem);
        }
        // A verdict can turn final on a client's exit before the grace that decides "exited before
        // any attempt" is over; the environment error must still win, so wait the grace out. And
        // not while a fault still holds messages or a close toward the client: what is held can
        // still open an anchor (a close the client has not got yet is no end yet).
        // Each judgement reads every event so far, so a run with many events judges less often:
        // judging takes at most a fifth of the time (every tick while it takes under tick / 4).
        boolean due = System.nanoTime() >= nextJudge;
        if (due && judgeAndPace() && !exitBeforeAttemptPending() && !Story.of(lastJudging).holding()) {
          endedEarly = timeline.now() < deadline;
          return;
        }
        if (timeline.now() >= deadline) {
          String late = environmentProblem(true);
          if (late != null) {
            throw new EnvironmentException(late);
          }
          return;
        }
        if (cancelled) {
          throw new EnvironmentException("cancelled before the end of the scenario");
        }
      }
    }

    private void pull() {
      List<Event> fresh = timeline.since(lastSeq);
      if (!fresh.isEmpty()) {
        lastSeq = fresh.get(fresh.size() - 1).seq();
      }
      for (Event e : fresh) {
        if (e.body() instanceof EventBody.Attempt) {
          attempted.add(e.client());
        } else if (e.body() instanceof EventBody.ClientProcess c) {
          if ("exited".equals(c.action()) && e.phase() == Phase.RUN) {
            exits.putIfAbsent(e.client(), e);
          } else if (c.line() != null && ("stdout".equals(c.action()) || "stderr".equals(c.action()))) {
            output.computeIfAbsent(e.client(), k -> new ClientOutput()).add(c.action(), c.line());
          }
        }
      }
    }

    /** An environment failure visible now, or null. {@code atEnd}: the duration ran out. */
    private String environmentProblem(boolean atEnd) {
      if (asyncError != null) {
        return asyncError;
      }
      long now = timeline.now();
      if (client.external()) {
        Duration wait = client.waitFor() == null ? DEFAULT_CLIENT_WAIT : client.waitFor();
        if (attempted.isEmpty() && (atEnd || now >= origin + Durations.micros(wait))) {
          boolean durationFirst = atEnd && Durations.micros(wait) > durationMicros;
          return "no client connected to " + url(1) + " within "
              + (durationFirst ? "the scenario's duration" : CommandUpstream.seconds(wait) + " (client.wait)");
        }
        return null;
      }
      for (Event e : exits.values()) {
        if (now - e.t() >= Durations.micros(options.exitGrace()) && !attempted.contains(e.client())) {
          EventBody.ClientProcess c = (EventBody.ClientProcess) e.body();
          String who = instances == 1 ? "the client" : "client instance " + e.client();
          String code = c.code() == null ? "" : " with code " + c.code();
          ClientOutput out = output.get(e.client());
          String why = out == null ? null : out.why();
          return who + " exited" + code + " before making any connection attempt (" + client.command() + ")"
              + (why == null ? "" : "; " + why);
        }
      }
      if (atEnd) {
        for (int i = 1; i <= instances; i++) {
          if (!attempted.contains(i) && !exits.containsKey(i)) {
            String who = instances == 1 ? "the client" : "client instance " + i;
            return who + " (" + client.command() + ") ran for the whole " + Durations.seconds(durationMicros) + " s"
                + " but never made a connection attempt to " + url(i) + " (does it connect to WSCHAOS_URL?)";
          }
        }
      }
      return null;
    }

    /** A client exited without an attempt and the grace before concluding so is not over yet. */
    private boolean exitBeforeAttemptPending() {
      return exits.values().stream().anyMatch(e -> !attempted.contains(e.client()));
    }

    private boolean judgeAndPace() {
      long start = System.nanoTime();
      boolean allFinal = judge(false);
      long end = System.nanoTime();
      nextJudge = end + JUDGING_SHARE_REST * (end - start);
      return allFinal;
    }

    /**
     * Judges every expectation not final yet; records a verdict event for each that became final.
     * Returns true when every verdict is final.
     */
    private boolean judge(boolean runOver) {
      Judging judging = new Judging(
          seen(), timeline.now(), runOver, instances, origin + durationMicros,
          scenario.tolerance() == null ? Tolerance.DEFAULT : scenario.tolerance(),
          scenario.messages() == null ? Messages.NONE : scenario.messages());
      lastJudging = judging;
      boolean allFinal = true;
      for (ExpectationSpec x : expectations()) {
        Verdict v = verdicts.get(x.id());
        if (v != null && v.isFinal()) {
          continue;
        }
        try {
          v = x.expectation().judge(judging);
        } catch (RuntimeException e) {
          v = Verdict.fail("could not be judged: " + Failures.describe(e), List.of());
        }
        if (runOver && !v.isFinal()) {
          v = new Verdict(v.status(), true, v.sentence(), v.evidence());
        }
        verdicts.put(x.id(), v);
        if (v.isFinal()) {
          timeline.record(0, 0, new EventBody.Verdict(x.id(), v.status().wire(), v.sentence(), v.evidence()));
        } else {
          allFinal = false;
        }
      }
      return allFinal;
    }

    /**
     * The events pulled so far (seq 1 to lastSeq), from the timeline: what outgrew its memory bound
     * is read back from its spill file, so the run keeps no second copy of a long timeline.
     */
    private List<Event> seen() {
      List<Event> all = timeline.since(0);
      int n = all.size();
      while (n > 0 && all.get(n - 1).seq() > lastSeq) {
        n--; // recorded after the pull: the next tick judges them
      }
      return Collections.unmodifiableList(all.subList(0, n));
    }

    private List<ExpectationSpec> expectations() {
      return scenario.expectations() == null ? List.of() : scenario.expectations();
    }

    // ---- ending ----

    private void teardown() {
      timeline.phase(Phase.TEARDOWN);
      List<SupervisedProcess> toStop;
      synchronized (clients) {
        toStop = List.copyOf(clients);
      }
      List<Thread> stoppers = new ArrayList<>();
      for (SupervisedProcess p : toStop) {
        Thread t = new Thread(() -> processes.stop(p, "TERM"), "wschaos-stop-" + p.name());
        t.setDaemon(true);
        t.start();
        stoppers.add(t);
      }
      for (Thread t : stoppers) {
        try {
          t.join(processes.grace().toMillis() + 5_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (proxy != null) {
        try {
          proxy.close().await(5, TimeUnit.SECONDS);
        } catch (Exception e) {
          // its event loops go with the suite's Vert.x
        }
      }
      if (upstream != null) {
        upstream.stop();
      }
    }

    /** The last verdicts: judged with runOver when the run was not an error, else "not judged". */
    private List<VerdictEntry> conclude() {
      pull();
      if (error == null && asyncError != null) {
        error = asyncError;
      }
      if (error == null) {
        try {
          judge(true);
        } catch (java.io.UncheckedIOException e) {
          error = "the timeline could not be read back from its spill file: " + Failures.describe(e);
        }
      }
      List<VerdictEntry> unfired = error == null ? unfired() : List.of();
      List<VerdictEntry> out = new ArrayList<>();
      for (ExpectationSpec x : expectations()) {
        Verdict v = verdicts.get(x.id());
        if (v == null || !v.isFinal()) {
          v = Verdict.undecided(true, "not judged: " + error, v == null ? List.of() : v.evidence());
          timeline.record(0, 0, new EventBody.Verdict(x.id(), v.status().wire(), v.sentence(), v.evidence()));
        }
        for (VerdictEntry f : unfired) {
          String id = f.expectation().substring("fault ".length());
          if (v.passed() && mentions(x.source(), id)) {
            v = Verdict.undecided(true, "depends on fault " + id + ", which never fired, so it judged a run in which nothing was injected (was: " + v.sentence() + ")", v.evidence());
            timeline.record(0, 0, new EventBody.Verdict(x.id(), v.status().wire(), v.sentence(), v.evidence()));
          }
        }
        out.add(new VerdictEntry(x.id(), x.name(), v));
      }
      out.addAll(unfired);
      return out;
    }

    /**
     * DESIGN "a fault that never fired": each declared fault (not {@code optional: true}) whose
     * trigger never fired, or that touched no link, gets an undecided scenario-level entry: the run
     * did not test what the scenario says, so it cannot pass.
     */
    private List<VerdictEntry> unfired() {
      if (lastJudging == null || scenario.faults() == null) {
        return List.of();
      }
      Story st = Story.of(lastJudging);
      List<VerdictEntry> out = new ArrayList<>();
      for (FaultSpec f : scenario.faults()) {
        if (f.optional() || "proxy.idle_timeout".equals(f.id())) {
          continue;
        }
        st.neverFired(f.id()).ifPresent(why -> {
          String sentence = "fault " + f.id() + " never fired ("
              + (why.isEmpty() ? "its trigger " + triggerText(f) + " never happened" : why)
              + "), so the scenario did not test what it says; mark it optional: true if that may happen";
          Verdict v = Verdict.undecided(true, sentence, List.of());
          timeline.record(0, 0, new EventBody.Verdict("fault " + f.id(), v.status().wire(), v.sentence(), v.evidence()));
          out.add(new VerdictEntry("fault " + f.id(), "fault", v));
        });
      }
      return out;
    }

    /** "on: {open: 3}", "at: 5s", "on: {open: 1}, after: 3s": the trigger as the file wrote it. */
    private static String triggerText(FaultSpec f) {
      List<String> parts = new ArrayList<>();
      for (String k : List.of("at", "on", "after", "every")) {
        if (f.source() != null && f.source().has(k)) {
          parts.add(k + ": " + flow(f.source().get(k)));
        }
      }
      return parts.isEmpty() ? "(start with the run)" : String.join(", ", parts);
    }

    private static String flow(com.fasterxml.jackson.databind.JsonNode n) {
      if (n.isObject()) {
        List<String> kv = new ArrayList<>();
        n.fields().forEachRemaining(e -> kv.add(e.getKey() + ": " + flow(e.getValue())));
        return "{" + String.join(", ", kv) + "}";
      }
      if (n.isArray()) {
        List<String> vs = new ArrayList<>();
        n.forEach(x -> vs.add(flow(x)));
        return "[" + String.join(", ", vs) + "]";
      }
      return n.asText();
    }

    /** True when {@code n} names {@code id} anywhere (after: {fault: id}, survives.fault, herd…). */
    private static boolean mentions(com.fasterxml.jackson.databind.JsonNode n, String id) {
      if (n == null) {
        return false;
      }
      if (n.isTextual()) {
        return n.asText().equals(id);
      }
      for (com.fasterxml.jackson.databind.JsonNode c : n) {
        if (mentions(c, id)) {
          return true;
        }
      }
      return false;
    }
  }
}
