package io.wschaos.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.wschaos.testsupport.Browser;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The browser suite ({@code scenarios/browser/}) in real headless Chromium against both example
 * pages: resilient.html passes every expectation; naive.html fails exactly those listed in
 * {@code examples/browser/expected-naive-failures.txt} and passes the rest. Every browser process a
 * run started is gone when it ends (checked by pid).
 */
class BrowserSuiteTest {
  static final Path SUITE = Path.of("scenarios/browser");
  static final Path EXPECTED = Path.of("examples/browser/expected-naive-failures.txt");

  static List<Scenario> scenarios;
  static SuiteJournal resilient;
  static SuiteJournal naive;

  @BeforeAll
  @Timeout(value = 150, unit = TimeUnit.SECONDS)
  static void runBoth() {
    Browser.require();
    ScenarioLoader.Loaded loaded = new ScenarioLoader(BuiltinFaults.catalog(), BuiltinExpectations.catalog()).load(List.of(SUITE));
    assertTrue(loaded.ok(), () -> "the browser suite is valid: " + loaded.errors());
    scenarios = loaded.scenarios();
    long t0 = System.nanoTime();
    resilient = run("examples/browser/resilient.html");
    naive = run("examples/browser/naive.html");
    System.out.println("browser suite: " + (System.nanoTime() - t0) / 1_000_000 + " ms for both pages");
  }

  /** What {@code wschaos run --parallel 2 --page PAGE scenarios/browser/} does. */
  static SuiteJournal run(String page) {
    List<Scenario> out = new ArrayList<>();
    for (Scenario s : scenarios) {
      ClientSpec c = s.client();
      ClientSpec over = new ClientSpec(null, c.instances(), false, null, c.env(), new ClientSpec.BrowserSpec(page, null));
      out.add(new Scenario(s.file(), s.name(), s.description(), s.tags(), s.seed(), s.server(), over, s.proxy(), s.duration(),
          s.tolerance(), s.messages(), s.faults(), s.expectations()));
    }
    SuiteJournal suite;
    try (SuiteRunner runner = new SuiteRunner(2, ScenarioRunner.Options.defaults())) {
      suite = runner.run(out, 1, new SuiteRunner.Listener() {});
    }
    try { // the timelines, to read when a verdict is not the expected one
      io.wschaos.report.JsonlReport.write(suite, Path.of("target/browser-suite", Path.of(page).getFileName().toString()), io.wschaos.timeline.Redactor.ON);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return suite;
  }

  static String describe(RunJournal j) {
    StringBuilder b = new StringBuilder(j.scenario() + (j.environmentError() != null ? " (environment error: " + j.environmentError() + ")" : "") + ":");
    for (VerdictEntry v : j.verdicts()) {
      b.append("\n  ").append(v.expectation()).append(' ').append(v.verdict().status().wire()).append(": ").append(v.verdict().sentence());
    }
    return b.toString();
  }

  static Map<String, Map<String, Verdict.Status>> expectedNaiveFailures() throws IOException {
    Map<String, Map<String, Verdict.Status>> out = new TreeMap<>();
    for (String line : Files.readAllLines(EXPECTED)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\|", 4);
      assertEquals(4, f.length, "scenario | expectation | fail or undecided | why: " + line);
      out.computeIfAbsent(f[0].trim(), k -> new LinkedHashMap<>())
          .put(f[1].trim(), Verdict.Status.valueOf(f[2].trim().toUpperCase(java.util.Locale.ROOT)));
    }
    return out;
  }

  @Test
  void resilientPagePassesEveryExpectation() {
    List<String> wrong = new ArrayList<>();
    for (RunJournal j : resilient.runs()) {
      if (j.environmentError() != null || j.verdicts().stream().anyMatch(v -> !v.passed())) {
        wrong.add(describe(j));
      }
    }
    assertEquals(scenarios.size(), resilient.runs().size());
    assertTrue(wrong.isEmpty(), () -> "resilient.html must pass every expectation:\n" + String.join("\n", wrong));
  }

  @Test
  void naivePageFailsExactlyTheListedExpectations() throws IOException {
    Map<String, Map<String, Verdict.Status>> expected = expectedNaiveFailures();
    List<String> wrong = new ArrayList<>();
    int failures = 0;
    for (RunJournal j : naive.runs()) {
      if (j.environmentError() != null) {
        wrong.add(describe(j));
        continue;
      }
      Map<String, Verdict.Status> listed = expected.getOrDefault(j.scenario(), Map.of());
      for (VerdictEntry v : j.verdicts()) {
        Verdict.Status want = listed.getOrDefault(v.expectation(), Verdict.Status.PASS);
        if (v.verdict().status() != want) {
          wrong.add(j.scenario() + " / " + v.expectation() + ": expected " + want.wire() + ", got " + v.verdict().status().wire() + ": " + v.verdict().sentence());
        } else if (want != Verdict.Status.PASS) {
          failures++;
        }
      }
    }
    assertTrue(wrong.isEmpty(), () -> "naive.html verdicts differ from " + EXPECTED + ":\n" + String.join("\n", wrong));
    assertTrue(failures >= scenarios.size(), "naive.html fails at least one expectation per browser scenario: " + failures);
  }

  @Test
  void everyBrowserProcessIsGoneAfterItsRun() throws IOException {
    List<String> alive = new ArrayList<>();
    int browsers = 0;
    for (SuiteJournal suite : List.of(resilient, naive)) {
      for (RunJournal j : suite.runs()) {
        for (long pid : browserPids(j)) {
          browsers++;
          ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(h -> alive.add(j.scenario() + ": " + pid + " " + h.info().command().orElse("?")));
        }
      }
    }
    assertTrue(browsers >= 2 * scenarios.size(), "each run reported its Chromium processes: " + browsers);
    assertEquals(List.of(), alive, "browser processes left behind");
  }

  /** The pids of "Chromium … started (pids 1 2 3)" on a run's timeline. */
  static List<Long> browserPids(RunJournal j) throws IOException {
    List<Long> out = new ArrayList<>();
    for (Event e : j.timeline()) {
      if (e.body() instanceof EventBody.ClientProcess c && c.line() != null && c.line().startsWith("Chromium ") && c.line().contains("(pids ")) {
        String pids = c.line().substring(c.line().indexOf("(pids ") + 6, c.line().lastIndexOf(')')).trim();
        for (String p : pids.split(" ")) {
          if (!p.isEmpty()) {
            out.add(Long.parseLong(p));
          }
        }
      }
    }
    return out;
  }

  @Test
  void printsTheVerdictTable() throws IOException {
    for (SuiteJournal suite : List.of(resilient, naive)) {
      for (RunJournal j : suite.runs()) {
        System.out.println(describe(j));
      }
    }
  }
}
