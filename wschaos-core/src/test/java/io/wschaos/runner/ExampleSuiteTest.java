package io.wschaos.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.expect.Verdict;
import io.wschaos.expect.builtin.BuiltinExpectations;
import io.wschaos.fault.builtin.BuiltinFaults;
import io.wschaos.journal.RunJournal;
import io.wschaos.journal.SuiteJournal;
import io.wschaos.journal.VerdictEntry;
import io.wschaos.scenario.ClientSpec;
import io.wschaos.scenario.Scenario;
import io.wschaos.scenario.ScenarioLoader;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The proof that the example suite's verdicts are right: the whole of {@code scenarios/} runs against
 * both example clients, and every verdict is checked, expectation by expectation. resilient.js passes
 * every one; naive.js fails exactly those in {@code examples/expected-naive-failures.txt} (the same
 * table as docs/example-suite.md, with the reason for each) and passes the rest.
 */
@Tag("node")
class ExampleSuiteTest {
  static final Path SUITE = Path.of("scenarios");
  static final Path EXPECTED = Path.of("examples/expected-naive-failures.txt");

  /** One expected naive verdict: fail or undecided, and why. */
  record Expected(Verdict.Status status, String why) {}

  static List<Scenario> scenarios;
  static SuiteJournal resilient;
  static SuiteJournal naive;
  static long resilientMillis;
  static long naiveMillis;

  @BeforeAll
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  static void runBoth() {
    ScenarioLoader.Loaded loaded = new ScenarioLoader(BuiltinFaults.catalog(), BuiltinExpectations.catalog()).load(List.of(SUITE));
    assertTrue(loaded.ok(), () -> "the example suite is valid: " + loaded.errors());
    scenarios = loaded.scenarios();
    long t0 = System.nanoTime();
    resilient = run("node examples/clients/resilient.js");
    long t1 = System.nanoTime();
    naive = run("node examples/clients/naive.js");
    long t2 = System.nanoTime();
    resilientMillis = (t1 - t0) / 1_000_000;
    naiveMillis = (t2 - t1) / 1_000_000;
    System.out.println("example suite: resilient.js " + resilientMillis + " ms, naive.js " + naiveMillis + " ms");
  }

  /** What {@code wschaos run --parallel 2 --client CMD scenarios/} does. */
  static SuiteJournal run(String client) {
    List<Scenario> out = new ArrayList<>();
    for (Scenario s : scenarios) {
      ClientSpec c = s.client();
      ClientSpec over = new ClientSpec(client, c == null ? 1 : Math.max(1, c.instances()), false, null, c == null || c.env() == null ? Map.of() : c.env());
      out.add(new Scenario(s.file(), s.name(), s.description(), s.tags(), s.seed(), s.server(), over, s.proxy(), s.duration(),
          s.tolerance(), s.messages(), s.faults(), s.expectations()));
    }
    try (SuiteRunner runner = new SuiteRunner(2, ScenarioRunner.Options.defaults())) {
      return runner.run(out, 1, new SuiteRunner.Listener() {});
    }
  }

  static Map<String, Map<String, Expected>> expectedNaiveFailures() throws IOException {
    Map<String, Map<String, Expected>> out = new TreeMap<>();
    for (String line : Files.readAllLines(EXPECTED)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\|", 4);
      assertEquals(4, f.length, "scenario | expectation | fail or undecided | why: " + line);
      Verdict.Status status = Verdict.Status.valueOf(f[2].trim().toUpperCase(java.util.Locale.ROOT));
      assertTrue(status != Verdict.Status.PASS, line);
      assertFalse(f[3].isBlank(), "every expected failure says why: " + line);
      out.computeIfAbsent(f[0].trim(), k -> new LinkedHashMap<>()).put(f[1].trim(), new Expected(status, f[3].trim()));
    }
    return out;
  }

  static String describe(RunJournal j) {
    return j.scenario() + (j.environmentError() != null ? " (environment error: " + j.environmentError() + ")" : "") + ": "
        + j.verdicts().stream().map(v -> v.expectation() + " " + v.verdict().status().wire() + ": " + v.verdict().sentence())
            .collect(Collectors.joining("; "));
  }

  static RunJournal journal(SuiteJournal suite, String scenario) {
    return suite.runs().stream().filter(j -> j.scenario().equals(scenario)).findFirst()
        .orElseThrow(() -> new AssertionError("no run of " + scenario));
  }

  static VerdictEntry verdict(RunJournal j, String expectation) {
    return j.verdicts().stream().filter(v -> v.expectation().equals(expectation)).findFirst()
        .orElseThrow(() -> new AssertionError("no verdict " + expectation + " in " + describe(j)));
  }

  @Test
  void bothRunsTogetherFitInFourMinutes() {
    assertEquals(scenarios.size(), resilient.runs().size());
    assertEquals(scenarios.size(), naive.runs().size());
    assertTrue(resilientMillis + naiveMillis < 240_000, resilientMillis + " + " + naiveMillis + " ms");
  }

  @Test
  void resilientPassesEveryExpectation() {
    List<String> wrong = new ArrayList<>();
    for (RunJournal j : resilient.runs()) {
      if (j.environmentError() != null || j.verdicts().size() != expectationCount(j.scenario())) {
        wrong.add(describe(j));
        continue;
      }
      for (VerdictEntry v : j.verdicts()) {
        if (!v.passed()) {
          wrong.add(j.scenario() + " / " + v.expectation() + " " + v.verdict().status().wire() + ": " + v.verdict().sentence());
        }
      }
    }
    assertTrue(wrong.isEmpty(), () -> "resilient.js must pass every expectation:\n" + String.join("\n", wrong));
  }

  @Test
  void naiveFailsExactlyTheListedExpectationsAndPassesTheRest() throws IOException {
    Map<String, Map<String, Expected>> expected = expectedNaiveFailures();
    List<String> names = scenarios.stream().map(Scenario::name).toList();
    for (String s : expected.keySet()) {
      assertTrue(names.contains(s), "examples/expected-naive-failures.txt names an unknown scenario " + s);
    }
    List<String> wrong = new ArrayList<>();
    int failures = 0;
    for (RunJournal j : naive.runs()) {
      if (j.environmentError() != null || j.verdicts().size() != expectationCount(j.scenario())) {
        wrong.add(describe(j));
        continue;
      }
      Map<String, Expected> listed = expected.getOrDefault(j.scenario(), Map.of());
      for (String id : listed.keySet()) {
        if (j.verdicts().stream().noneMatch(v -> v.expectation().equals(id))) {
          wrong.add(j.scenario() + " / " + id + ": listed, but the scenario has no such expectation");
        }
      }
      for (VerdictEntry v : j.verdicts()) {
        Expected e = listed.get(v.expectation());
        Verdict.Status got = v.verdict().status();
        if (e == null && got != Verdict.Status.PASS) {
          wrong.add(j.scenario() + " / " + v.expectation() + ": expected pass, got " + got.wire() + ": " + v.verdict().sentence());
        } else if (e != null && got != e.status()) {
          wrong.add(j.scenario() + " / " + v.expectation() + ": expected " + e.status().wire() + " (" + e.why() + "), got " + got.wire()
              + ": " + v.verdict().sentence());
        } else if (e != null) {
          failures++;
        }
      }
    }
    assertTrue(wrong.isEmpty(), () -> "naive.js verdicts differ from examples/expected-naive-failures.txt:\n" + String.join("\n", wrong));
    assertTrue(failures >= 10, "naive.js fails most of the suite: " + failures);
  }

  /** A verdict's evidence cites the right events: naive.js's attempt right after the fatal 4003. */
  @Test
  void theNoReconnectFailureCitesTheFatalCloseAndTheAttemptAfterIt() throws IOException {
    RunJournal j = journal(naive, "reconnect-stops-after-forbidden");
    VerdictEntry v = verdict(j, "no_reconnect");
    assertEquals(Verdict.Status.FAIL, v.verdict().status(), describe(j));
    Map<Long, Event> bySeq = j.timeline().stream().collect(Collectors.toMap(Event::seq, e -> e, (a, b) -> a));
    List<Event> cited = v.verdict().evidence().stream().map(bySeq::get).toList();
    assertFalse(cited.contains(null), "every cited seq is on the timeline: " + v.verdict().evidence());
    Event close = cited.stream().filter(e -> e.body() instanceof EventBody.Close c && Integer.valueOf(4003).equals(c.code()))
        .findFirst().orElseThrow(() -> new AssertionError("the close 4003 is cited: " + cited));
    Event attempt = cited.stream().filter(e -> e.body() instanceof EventBody.Attempt && e.link() == 2)
        .findFirst().orElseThrow(() -> new AssertionError("the attempt of link 2 is cited: " + cited));
    assertTrue(attempt.t() > close.t(), "the attempt came after the close");
    assertTrue(attempt.t() - close.t() < 4_000_000, "and well inside the 4 s: " + (attempt.t() - close.t()) + " µs");
    assertTrue(v.verdict().sentence().contains("4003"), v.verdict().sentence());
  }

  /**
   * The undecided case: naive.js carries no token, so the server answers 401 to every handshake and
   * never gets to close a link with 4001: the reconnect-after-4001 expectation has no anchor.
   */
  @Test
  void theTokenExpiryReconnectIsUndecidedForTheNaiveClient() {
    RunJournal j = journal(naive, "auth-refreshes-expired-token");
    VerdictEntry v = verdict(j, "reconnect");
    assertEquals(Verdict.Status.UNDECIDED, v.verdict().status(), describe(j));
    assertTrue(v.verdict().sentence().contains("4001"), v.verdict().sentence());
    VerdictEntry r = verdict(journal(resilient, "auth-refreshes-expired-token"), "reconnect");
    assertEquals(Verdict.Status.PASS, r.verdict().status(), r.verdict().sentence());
  }

  static int expectationCount(String scenario) {
    return scenarios.stream().filter(s -> s.name().equals(scenario)).findFirst().orElseThrow().expectations().size();
  }
}
