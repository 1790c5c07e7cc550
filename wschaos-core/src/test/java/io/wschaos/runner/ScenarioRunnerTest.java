package io.wschaos.runner;

import static io.wschaos.runner.Scenarios.client;
import static io.wschaos.runner.Scenarios.command;
import static io.wschaos.runner.Scenarios.expect;
import static io.wschaos.runner.Scenarios.feed;
import static io.wschaos.runner.Scenarios.nodeClient;
import static io.wschaos.runner.Scenarios.nodeEnv;
import static io.wschaos.runner.Scenarios.scenario;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.wschaos.journal.RunJournal;
import io.wschaos.scenario.Scenario;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Phase;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Whole scenarios with real processes: the builtin or a Node server, Node or shell clients. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ScenarioRunnerTest {
  static Vertx vertx;
  static ProcessSupervisor processes;
  static ScenarioRunner runner;
  @TempDir static Path dir;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    processes = new ProcessSupervisor(ProcessSupervisor.DEFAULT_GRACE);
    runner = new ScenarioRunner(vertx, processes, ScenarioRunner.Options.defaults().withWorkingDirectory(dir));
    Scenarios.scripts(dir);
  }

  @AfterAll
  static void stop() {
    processes.close();
    vertx.close().await();
  }

  @Tag("node")
  @Test
  void aPassingScenarioEndsAsSoonAsEveryVerdictIsFinal() {
    Scenario s = scenario("opens", feed(), client(nodeClient(dir), 1, nodeEnv()), Duration.ofSeconds(20), List.of(),
        expect("opens", Scenarios.opens(1)));
    RunJournal j = runner.run(s);
    assertEquals(RunJournal.Outcome.PASSED, j.outcome(), () -> describe(j));
    assertTrue(j.endedEarly());
    assertTrue(j.elapsed().toMillis() < 8_000, "well before the 20 s duration: " + j.elapsed());
    assertEquals("1 opens", j.verdicts().get(0).verdict().sentence());
    List<String> kinds = j.events().stream().map(e -> e.kind() + ":" + action(e)).toList();
    assertTrue(kinds.indexOf("server:started") < kinds.indexOf("server:ready"), kinds.toString());
    assertTrue(kinds.indexOf("server:ready") < kinds.indexOf("client:spawned"), kinds.toString());
    Event verdict = only(j, EventBody.Verdict.class);
    assertEquals("pass", ((EventBody.Verdict) verdict.body()).status());
    Event exited = j.events().stream().filter(e -> "client:exited".equals(e.kind() + ":" + action(e))).findFirst().orElseThrow();
    assertEquals(Phase.TEARDOWN, exited.phase(), "the client was stopped in teardown, with recording on");
    assertEquals(1, exited.client());
    assertTrue(j.originMicros() > 0, "t = 0 comes after the server started");
    assertTrue(j.events().stream().anyMatch(e -> e.body() instanceof EventBody.ClientProcess c && c.line() != null
        && c.line().contains("scenario opens seed 42")), "WSCHAOS_SCENARIO and WSCHAOS_SEED reach the client");
  }

  @Tag("node")
  @Test
  void aFaultWhoseTriggerNeverFiredLeavesTheScenarioUndecidedUnlessOptional() {
    List<io.wschaos.fault.FaultSpec> faults = new java.util.ArrayList<>(Scenarios.fault("{id: outage, on: {open: 3}, close: {code: 1001}}", "outage"));
    Scenario s = scenario("never-fires", feed(), client(nodeClient(dir), 1, nodeEnv()), Duration.ofSeconds(20), faults,
        expect("opens", Scenarios.opens(1)));
    RunJournal j = runner.run(s);
    assertEquals(RunJournal.Outcome.FAILED, j.outcome(), () -> describe(j));
    assertEquals("opens", j.verdicts().get(0).expectation());
    assertTrue(j.verdicts().get(0).passed(), "it does not name the fault: it stands");
    var entry = j.verdicts().get(1);
    assertEquals("fault outage", entry.expectation());
    assertEquals(io.wschaos.expect.Verdict.Status.UNDECIDED, entry.verdict().status());
    assertTrue(entry.verdict().sentence().startsWith("fault outage never fired (its trigger on: {open: 3} never happened)"), entry.verdict().sentence());
    assertTrue(io.wschaos.report.JUnitReport.xml(new io.wschaos.journal.SuiteJournal(j.started(), j.ended(), 1, List.of(j))).contains("name=\"fault outage\""));

    Scenario optional = scenario("may-not-fire", feed(), client(nodeClient(dir), 1, nodeEnv()), Duration.ofSeconds(20),
        Scenarios.fault("{id: outage, on: {open: 3}, optional: true, close: {code: 1001}}", "outage"), expect("opens", Scenarios.opens(1)));
    RunJournal k = runner.run(optional);
    assertEquals(RunJournal.Outcome.PASSED, k.outcome(), () -> describe(k));
  }

  @Test
  void aClientThatExitsBeforeAnyAttemptIsAnEnvironmentError() {
    Scenario s = scenario("quits", feed(), client("echo giving up; exit 3", 1, Map.of()), Duration.ofSeconds(20), List.of(),
        expect("opens", Scenarios.opens(1)));
    RunJournal j = runner.run(s);
    assertEquals(RunJournal.Outcome.ERROR, j.outcome());
    assertEquals("the client exited with code 3 before making any connection attempt (echo giving up; exit 3); stdout: giving up",
        j.environmentError());
    assertTrue(j.elapsed().toMillis() < 5_000, j.elapsed().toString());
    assertEquals("undecided", j.verdicts().get(0).verdict().status().wire());
  }

  @Test
  void aServerThatNeverBecomesReadyIsAnEnvironmentErrorWithinItsReadyTimeout() throws Exception {
    Scenario s = scenario("never-ready", command("echo starting; sleep 30", null, Duration.ofSeconds(1), Map.of()),
        client("true", 1, Map.of()), Duration.ofSeconds(20), List.of(), expect("opens", Scenarios.opens(1)));
    long t0 = System.nanoTime();
    RunJournal j = runner.run(s);
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(RunJournal.Outcome.ERROR, j.outcome());
    Matcher m = Pattern.compile("the server command did not accept connections on 127\\.0\\.0\\.1:\\d+ within 1 s "
        + "\\(server\\.ready\\.timeout; echo starting; sleep 30\\); last output: starting").matcher(j.environmentError());
    assertTrue(m.matches(), j.environmentError());
    assertTrue(ms < 4_000, "within the ready timeout and a stop: " + ms + " ms");
    long pid = serverPid(j);
    assertFalse(Scenarios.groupAlive(pid), "the server command was stopped");
    assertTrue(j.events().stream().noneMatch(e -> e.body() instanceof EventBody.ClientProcess), "no client was started");
  }

  @Test
  void aFixedServerPortAlreadyInUseIsAnEnvironmentError() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      Scenario s = scenario("port-taken", command("sleep 30", port, null, Map.of()), client("true", 1, Map.of()),
          Duration.ofSeconds(20), List.of(), expect("opens", Scenarios.opens(1)));
      RunJournal j = runner.run(s);
      assertEquals(RunJournal.Outcome.ERROR, j.outcome());
      assertEquals("server.port " + port + " is already in use on 127.0.0.1 (another process listens there); stop it or leave server.port out for a free port",
          j.environmentError());
      assertTrue(j.events().stream().noneMatch(e -> e.body() instanceof EventBody.ServerProcess), "nothing was started");
    }
  }

  @Tag("node")
  @Test
  void aCancelledRunLeavesNoProcessOfItsClientAlive() throws Exception {
    Path pids = dir.resolve("cancel.pids");
    String client = "echo \"sh $$\" >> \"$PIDS\"; sh -c 'echo \"inner $$\" >> \"$PIDS\"; sleep 300 & echo \"sleep $!\" >> \"$PIDS\"; sleep 300' & "
        + nodeClient(dir);
    Map<String, String> env = new HashMap<>(nodeEnv());
    env.put("PIDS", pids.toString());
    Scenario s = scenario("cancelled", feed(), client(client, 1, env), Duration.ofSeconds(25), List.of(), expect("never", Scenarios.neverFinal()));
    CompletableFuture<RunJournal> run = CompletableFuture.supplyAsync(() -> runner.run(s));
    Scenarios.waitUntil(() -> Scenarios.pids(pids).size() == 4, Duration.ofSeconds(10), "the client, its grandchildren and node");
    List<Long> started = Scenarios.pids(pids);
    long t0 = System.nanoTime();
    runner.cancel();
    RunJournal j = run.get(10, TimeUnit.SECONDS);
    assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "teardown within the grace period and a bit");
    assertEquals("cancelled before the end of the scenario", j.environmentError());
    for (long pid : started) {
      assertFalse(Scenarios.alive(pid), "pid " + pid + " of " + started + " is gone");
    }
    assertFalse(Scenarios.groupAlive(started.get(0)), "nothing is left in the client's process group");
  }

  @Test
  void anExternalClientIsToldTheUrlAndAwaitedClientWait() {
    List<String> notices = new java.util.concurrent.CopyOnWriteArrayList<>();
    ScenarioRunner withNotices = new ScenarioRunner(vertx, processes, ScenarioRunner.Options.defaults().withNotices(notices::add));
    Scenario s = scenario("external", feed(), new io.wschaos.scenario.ClientSpec(null, 1, true, Duration.ofMillis(500), Map.of()),
        Duration.ofSeconds(20), List.of(), expect("opens", Scenarios.opens(1)));
    RunJournal j = withNotices.run(s);
    assertEquals(1, notices.size(), notices.toString());
    Matcher m = Pattern.compile("external: waiting up to 500 ms for a client on (ws://127\\.0\\.0\\.1:\\d+/)").matcher(notices.get(0));
    assertTrue(m.matches(), notices.get(0));
    assertEquals("no client connected to " + m.group(1) + " within 500 ms (client.wait)", j.environmentError());
    assertTrue(j.elapsed().toMillis() < 3_000, j.elapsed().toString());
    EventBody.Verdict v = (EventBody.Verdict) only(j, EventBody.Verdict.class).body();
    assertEquals("not judged: " + j.environmentError(), v.sentence(), "a verdict event for every expectation, even unjudged");
  }

  @Tag("node")
  @Test
  void nInstancesGetNPortsAndNClientNumbers() {
    Scenario s = scenario("herd", feed(), client(nodeClient(dir), 3, nodeEnv()), Duration.ofSeconds(20), List.of(),
        expect("every_instance_opens", Scenarios.everyInstanceOpens()));
    RunJournal j = runner.run(s);
    assertEquals(RunJournal.Outcome.PASSED, j.outcome(), () -> describe(j));
    assertEquals(3, j.instances());
    Set<Integer> openClients = new TreeSet<>();
    j.events().stream().filter(e -> e.body() instanceof EventBody.Open).forEach(e -> openClients.add(e.client()));
    assertEquals(Set.of(1, 2, 3), openClients);
    Map<Integer, String> portByInstance = new HashMap<>();
    Pattern url = Pattern.compile("url ws://127\\.0\\.0\\.1:(\\d+)/ instance (\\d) .*");
    for (Event e : j.events()) {
      if (e.body() instanceof EventBody.ClientProcess c && c.line() != null) {
        Matcher m = url.matcher(c.line());
        if (m.matches()) {
          assertEquals(e.client(), Integer.parseInt(m.group(2)), "WSCHAOS_INSTANCE is the event's client number");
          portByInstance.put(e.client(), m.group(1));
        }
      }
    }
    assertEquals(Set.of(1, 2, 3), portByInstance.keySet());
    assertEquals(3, Set.copyOf(portByInstance.values()).size(), "three distinct ports: " + portByInstance);
  }

  @Tag("node")
  @Test
  void restartServerRestartsTheBuiltinServerOnItsPort() {
    Scenario s = scenario("restart-builtin", feed(), client(nodeClient(dir), 1, nodeEnv()), Duration.ofSeconds(20),
        Scenarios.fault("{on: {open: 1}, after: 200ms, restart_server: {down_for: 300ms}}", "restart"),
        expect("opens", Scenarios.opens(2)));
    RunJournal j = runner.run(s);
    assertEquals(RunJournal.Outcome.PASSED, j.outcome(), () -> describe(j));
    assertEquals(List.of("started", "ready", "stopped", "restarted"), serverActions(j, Phase.RUN));
  }

  @Tag("node")
  @Test
  void restartServerRestartsACommandServerOnTheSamePort() {
    Map<String, String> env = nodeEnv();
    Scenario s = scenario("restart-command", command("node " + dir.resolve("server.js"), null, null, env), client(nodeClient(dir), 1, env),
        Duration.ofSeconds(20), Scenarios.fault("{on: {open: 1}, after: 200ms, restart_server: {down_for: 200ms}}", "restart"),
        expect("opens", Scenarios.opens(2)));
    RunJournal j = runner.run(s);
    assertEquals(RunJournal.Outcome.PASSED, j.outcome(), () -> describe(j));
    List<String> actions = serverActions(j, Phase.RUN).stream().filter(a -> !a.startsWith("std")).toList();
    assertEquals(List.of("started", "ready", "stopped", "exited", "started", "restarted"), actions);
    List<Long> pids = j.events().stream().filter(e -> e.body() instanceof EventBody.ServerProcess p && "started".equals(p.action()))
        .map(e -> ((EventBody.ServerProcess) e.body()).pid()).toList();
    for (long pid : pids) {
      assertFalse(Scenarios.groupAlive(pid), "server process group " + pid + " is gone after teardown");
    }
  }

  // ---- helpers ----

  private static String action(Event e) {
    if (e.body() instanceof EventBody.ClientProcess c) {
      return c.action();
    }
    if (e.body() instanceof EventBody.ServerProcess s) {
      return s.action();
    }
    return "";
  }

  private static List<String> serverActions(RunJournal j, Phase phase) {
    List<String> out = new ArrayList<>();
    for (Event e : j.events()) {
      if (e.phase() == phase && e.body() instanceof EventBody.ServerProcess s) {
        out.add(s.action());
      }
    }
    return out;
  }

  private static long serverPid(RunJournal j) {
    Long pid = j.events().stream().filter(e -> e.body() instanceof EventBody.ServerProcess s && s.pid() != null)
        .map(e -> ((EventBody.ServerProcess) e.body()).pid()).findFirst().orElse(null);
    assertNotNull(pid, "a server pid on the timeline");
    return pid;
  }

  private static Event only(RunJournal j, Class<? extends EventBody> kind) {
    List<Event> all = j.events().stream().filter(e -> kind.isInstance(e.body())).toList();
    assertEquals(1, all.size(), all.toString());
    return all.get(0);
  }

  private static String describe(RunJournal j) {
    StringBuilder b = new StringBuilder("error: " + j.environmentError() + "\nverdicts: " + j.verdicts() + "\n");
    j.events().forEach(e -> b.append(e).append('\n'));
    return b.toString();
  }

}
