package io.wschaos.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.expect.builtin.BuiltinExpectations;
import io.wschaos.fault.builtin.BuiltinFaults;
import io.wschaos.journal.RunJournal;
import io.wschaos.journal.VerdictEntry;
import io.wschaos.scenario.ScenarioLoader;
import io.wschaos.testsupport.Browser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A browser that cannot start, or a page that is not there, is an environment error (exit 3) with
 * its reason in one line, and no verdict passes: nothing was tested.
 */
class BrowserEnvironmentTest {
  @TempDir Path dir;

  RunJournal run(String client) throws IOException {
    return run(client, "5s");
  }

  RunJournal run(String client, String duration) throws IOException {
    Path file = dir.resolve("s.yaml");
    Files.writeString(file, "name: env\nserver: {builtin: feed}\nclient: " + client + "\nduration: " + duration + "\n"
        + "faults:\n  - {at: 500ms, for: 1s, offline: {}}\nexpect:\n  - reconnect: {after: any, within: 3s}\n");
    ScenarioLoader.Loaded loaded = new ScenarioLoader(BuiltinFaults.catalog(), BuiltinExpectations.catalog()).load(List.of(file));
    assertTrue(loaded.ok(), () -> loaded.errors().toString());
    try (SuiteRunner runner = new SuiteRunner(1, ScenarioRunner.Options.defaults())) {
      return runner.run(loaded.scenarios(), 1, new SuiteRunner.Listener() {}).runs().get(0);
    }
  }

  static void nothingPassed(RunJournal j) {
    assertFalse(j.verdicts().isEmpty());
    for (VerdictEntry v : j.verdicts()) {
      assertFalse(v.passed(), v.expectation() + ": " + v.verdict().sentence());
    }
  }

  @Test
  void aMissingChromiumIsAnEnvironmentErrorInOneLine() throws IOException {
    long t0 = System.nanoTime();
    RunJournal j = run("{browser: {page: examples/browser/resilient.html}, env: {WSCHAOS_CHROMIUM: /nonexistent/chromium}}");
    String e = j.environmentError();
    assertNotNull(e, "an environment error");
    assertEquals("browser client: /nonexistent/chromium is missing: install Debian's chromium (apt-get install chromium), or set WSCHAOS_CHROMIUM", e);
    assertFalse(e.contains("\n"));
    nothingPassed(j);
    assertTrue((System.nanoTime() - t0) / 1_000_000 < 10_000, "it ends at once, not at the duration");
  }

  @Test
  void aMissingPageIsAnEnvironmentError() throws IOException {
    RunJournal j = run("{browser: {page: examples/browser/nope.html}}");
    assertNotNull(j.environmentError());
    assertTrue(j.environmentError().startsWith("client.browser.page: examples/browser/nope.html does not exist ("), j.environmentError());
    nothingPassed(j);
  }

  /** Verdict integrity: a page that never connects tested nothing; judged as a process client that never connects is. */
  @Test
  void aPageThatNeverConnectsIsAnEnvironmentErrorAndNothingPasses() throws IOException {
    Browser.require();
    RunJournal j = run("{browser: {page: wschaos-core/src/test/resources/browser/silent.html}}", "2s");
    assertNotNull(j.environmentError());
    assertTrue(j.environmentError().startsWith("the client (browser page wschaos-core/src/test/resources/browser/silent.html) ran for the whole 2 s but never made a connection attempt to ws://127.0.0.1:"),
        j.environmentError());
    nothingPassed(j);
    assertTrue(j.timeline().stream().anyMatch(e -> e.body() instanceof io.wschaos.timeline.EventBody.ClientProcess c && "silent page: no WebSocket here".equals(c.line())),
        "its console line is on the timeline");
  }

  @Test
  void aChromiumThatDoesNotStartIsAnEnvironmentError() throws IOException {
    RunJournal j = run("{browser: {page: examples/browser/resilient.html}, env: {WSCHAOS_CHROMIUM: /bin/false}}");
    assertNotNull(j.environmentError());
    assertTrue(j.environmentError().startsWith("browser client: Chromium (/bin/false) did not start: "), j.environmentError());
    assertFalse(j.environmentError().contains("\n"));
    nothingPassed(j);
  }
}
