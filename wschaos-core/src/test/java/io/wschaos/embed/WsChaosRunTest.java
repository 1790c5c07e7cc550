package io.wschaos.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.expect.Verdict;
import io.wschaos.journal.RunJournal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Scenario files played from Java: the runner's journal and verdicts, for a client that reconnects and one that does not. */
@Timeout(60)
class WsChaosRunTest {
  private static final String SCENARIO = """
      name: java-run
      server: {builtin: feed}
      duration: 5s
      faults:
        - {id: restart, on: {open: 1}, after: 500ms, close: {code: 1001, reason: restart}}
      expect:
        - reconnect: {after: {close: 1001}, within: 2s}
      """;

  @Test
  void aResilientClientPassesTheScenario(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("java-run.yaml"), SCENARIO);
    RunJournal run = WsChaos.run(file, ClientSpec.command("node examples/clients/resilient.js"));
    assertEquals(RunJournal.Outcome.PASSED, run.outcome(), () -> run.verdicts() + " " + run.environmentError());
    assertEquals(1, run.verdicts().size());
    assertEquals("reconnect", run.verdicts().get(0).name());
  }

  @Test
  void aClientThatNeverReconnectsFailsItWithTheRunnersSentence(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("java-run.yaml"), SCENARIO);
    String once = "node -e \"const W = require('ws'); const ws = new W(process.env.WSCHAOS_URL); ws.on('error', () => {}); setInterval(() => {}, 1000)\"";
    RunJournal run = WsChaos.run(file, ClientSpec.command(once));
    assertEquals(RunJournal.Outcome.FAILED, run.outcome(), () -> run.verdicts() + " " + run.environmentError());
    Verdict v = run.verdicts().get(0).verdict();
    assertEquals(Verdict.Status.FAIL, v.status());
    assertTrue(v.sentence().startsWith("expected a reconnect within 2 s"), v.sentence());
  }

  @Test
  void anInvalidFileIsRefusedWithLocatedErrorsAndNothingRuns(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("bad.yaml"), SCENARIO.replace("code: 1001, reason", "code: 999, reason"));
    ConfigException e = assertThrows(ConfigException.class, () -> WsChaos.run(file, ClientSpec.command("true")));
    assertTrue(e.getMessage().matches("(?s).*bad\\.yaml:5:\\d+: faults\\[0\\]\\.close\\.code: 999 is not a valid close code.*"), e.getMessage());
  }
}
