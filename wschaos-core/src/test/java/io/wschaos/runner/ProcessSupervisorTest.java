package io.wschaos.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ProcessSupervisorTest {
  final ProcessSupervisor supervisor = new ProcessSupervisor(Duration.ofMillis(500));
  final List<String> recorded = new CopyOnWriteArrayList<>();
  @TempDir Path dir;

  @AfterEach
  void stopAll() {
    supervisor.close();
  }

  private SupervisedProcess start(String command) throws EnvironmentException {
    return supervisor.start("test", command, Map.of("PIDS", dir.resolve("pids").toString()), dir,
        (action, pid, code, line) -> recorded.add(action + (code != null ? " " + code : "") + (line != null ? " " + line : "")));
  }

  @Test
  void stopTermsTheWholeGroupGrandchildrenIncluded() throws Exception {
    SupervisedProcess p = start("sleep 300 & echo $! >> \"$PIDS\"; sh -c 'echo $$ >> \"$PIDS\"; sleep 300 & echo $! >> \"$PIDS\"; wait' & sleep 300");
    Scenarios.waitUntil(() -> Scenarios.pids(dir.resolve("pids")).size() == 3, Duration.ofSeconds(5), "three grandchildren");
    List<Long> pids = Scenarios.pids(dir.resolve("pids"));
    assertTrue(p.groupAlive());
    long t0 = System.nanoTime();
    supervisor.stop(p, "TERM");
    assertTrue(System.nanoTime() - t0 < 1_500_000_000L, "TERM was enough, no wait for the grace period to end");
    for (long pid : pids) {
      assertFalse(Scenarios.alive(pid), "grandchild " + pid + " is gone");
    }
    assertFalse(Scenarios.groupAlive(p.pid()), "nothing is left in the group");
    assertNull(p.exited().get(2, TimeUnit.SECONDS), "killed by the supervisor's signal: no exit code");
    assertTrue(recorded.get(0).startsWith("spawned"), recorded.toString());
    assertEquals("exited", recorded.get(recorded.size() - 1));
  }

  @Test
  void aGroupThatIgnoresTermIsKilledAfterTheGrace() throws Exception {
    SupervisedProcess p = start("trap '' TERM; echo ready; sleep 300 & wait");
    Scenarios.waitUntil(() -> recorded.contains("stdout ready"), Duration.ofSeconds(5), "the trap to be set");
    long t0 = System.nanoTime();
    supervisor.stop(p, "TERM");
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(ms >= 450, "waited the grace period first: " + ms + " ms");
    assertTrue(ms < 4_000, "then KILL: " + ms + " ms");
    assertFalse(Scenarios.groupAlive(p.pid()));
  }

  @Test
  void outputGoesLineByLineUpToTheBoundThenOneTruncatedEvent() throws Exception {
    // stderr first, then a pause: the two pipes are read by two threads, and the line budget is
    // shared, so without the pause the stderr line could lose the race for the last places.
    SupervisedProcess p = start("echo oops >&2; sleep 0.3; i=0; while [ $i -lt 1500 ]; do echo line $i; i=$((i+1)); done; exit 7");
    assertEquals(7, p.exited().get(10, TimeUnit.SECONDS), "its own exit code");
    List<String> stdout = recorded.stream().filter(r -> r.startsWith("stdout ")).toList();
    List<String> stderr = recorded.stream().filter(r -> r.startsWith("stderr ")).toList();
    assertEquals(List.of("stderr oops"), stderr);
    assertEquals(SupervisedProcess.MAX_LINES - 1, stdout.size(), "1000 lines in all, stderr's one included");
    assertEquals("stdout line 0", stdout.get(0));
    assertEquals(1, recorded.stream().filter(r -> r.startsWith("truncated")).count(), recorded.subList(Math.max(0, recorded.size() - 3), recorded.size()).toString());
    assertEquals("exited 7", recorded.get(recorded.size() - 1));
    assertEquals("line 1499", p.tail().get(p.tail().size() - 1), "the tail goes on past the bound, for error messages");
  }

  @Test
  void aMissingSetsidIsAClearEnvironmentError() {
    ProcessSupervisor without = new ProcessSupervisor(Duration.ofMillis(100), "/nonexistent/setsid");
    EnvironmentException e = assertThrows(EnvironmentException.class, () -> without.start("client", "true", Map.of(), dir, (a, b, c, d) -> {}));
    assertTrue(e.getMessage().contains("'/nonexistent/setsid' was not found"), e.getMessage());
    assertTrue(e.getMessage().contains("util-linux"), e.getMessage());
  }

  @Test
  void theEnvironmentAndWorkingDirectoryReachTheCommand() throws Exception {
    SupervisedProcess p = start("pwd; echo \"$PIDS\"");
    p.exited().get(5, TimeUnit.SECONDS);
    Scenarios.waitUntil(() -> recorded.size() >= 4, Duration.ofSeconds(2), "output");
    assertTrue(recorded.contains("stdout " + dir.toRealPath()), recorded.toString());
    assertTrue(recorded.contains("stdout " + dir.resolve("pids")), recorded.toString());
    assertTrue(Files.isDirectory(dir));
  }
}
