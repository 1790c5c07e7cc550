package io.wschaos.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.runner.Scenarios;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM to a running {@code wschaos run}: its shutdown hook stops every process the run started. */
@Tag("node")
class RunnerSigtermTest {
  @Test
  @Timeout(value = 40, unit = TimeUnit.SECONDS)
  void aRunnerKilledWithSigtermMidScenarioLeavesNoProcessItStartedAlive(@TempDir Path dir) throws Exception {
    Scenarios.scripts(dir);
    Path pids = dir.resolve("pids");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), SigtermRunMain.class.getName(),
        dir.toString(), Scenarios.NODE_MODULES.toString()));
    Process runner = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("runner.log").toFile()).start();
    try {
      // the server, the client's shell, its inner shell, a sleep and node
      Scenarios.waitUntil(() -> Scenarios.pids(pids).size() == 5 || !runner.isAlive(), Duration.ofSeconds(25), "every process to start");
      assertTrue(runner.isAlive(), () -> "the runner is still running: " + log(dir));
      List<Long> started = Scenarios.pids(pids);
      runner.destroy(); // SIGTERM
      assertTrue(runner.waitFor(15, TimeUnit.SECONDS), "the runner exits after its shutdown hook");
      for (long pid : started) {
        assertFalse(Scenarios.alive(pid), () -> "pid " + pid + " of " + started + " is gone: " + log(dir));
        assertFalse(Scenarios.groupAlive(pid), "nothing is left in a group of " + pid);
      }
    } finally {
      runner.destroyForcibly();
    }
  }

  private static String log(Path dir) {
    try {
      return Files.readString(dir.resolve("runner.log"));
    } catch (Exception e) {
      return "(no log)";
    }
  }
}
