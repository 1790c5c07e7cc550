package io.wschaos.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.frame.Direction;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class RestartServerFaultTest {
  @Test
  void withoutAServerProcessItRecordsSkipped() {
    StageHarness h = new StageHarness("restart_server");
    Fault f = YamlFaults.fault("restart_server: {down_for: 2s}");
    assertTrue(f.oneShot());
    assertNull(f.listener(h), "it does nothing to the listener");
    assertEquals(List.of(new StageHarness.Recorded("skipped", null, 0, "no server process to restart (needs server.command)")), h.recorded);
  }

  @Test
  void withAServerProcessItAsksForOneRestartEachTimeItFires() {
    StageHarness h = new StageHarness("restart_server");
    List<String> restarts = new ArrayList<>();
    FaultContext ctx = new WithServer(h, (downFor, signal) -> restarts.add(downFor + " " + signal));
    Fault f = YamlFaults.fault("restart_server: {down_for: 2s, signal: kill}");
    f.listener(ctx);
    assertEquals(List.of("PT2S KILL"), restarts);
    FakeLink a = new FakeLink(h.clock);
    f.start(a, ctx);
    f.start(new FakeLink(h.clock), ctx);
    assertEquals(List.of("PT2S KILL"), restarts, "live links do not multiply the restart");
    assertEquals(List.of("restart"), h.actions());
    YamlFaults.fault("restart_server: {}").listener(ctx);
    assertEquals("PT0S TERM", restarts.get(1), "defaults: start again at once, TERM");
  }

  @Test
  void paramsSayWhatIsAllowed() {
    assertEquals("faults[0].restart_server.signal: 'HUP' is not allowed here (one of term, kill, int)", YamlFaults.problems("restart_server: {signal: HUP}"));
  }

  /** The harness's context with a server process wired. */
  private record WithServer(StageHarness h, ServerControl server) implements FaultContext {
    public String faultId() {
      return h.faultId();
    }

    public String faultName() {
      return h.faultName();
    }

    public int link() {
      return 0;
    }

    public Scheduler scheduler() {
      return h.scheduler();
    }

    public RandomGenerator random(Direction d) {
      return h.random(d);
    }

    public boolean chance(Direction d) {
      return h.chance(d);
    }

    public void record(String action, Direction d, long messageId, String detail) {
      h.record(action, d, messageId, detail);
    }

    public void held(Direction d, long delta) {
      h.held(d, delta);
    }

    public void holdBack(Direction d, boolean on) {
      h.holdBack(d, on);
    }

    public ServerControl serverControl() {
      return server;
    }
  }
}
