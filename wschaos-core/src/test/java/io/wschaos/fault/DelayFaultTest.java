package io.wschaos.fault;

import io.wschaos.spec.Durations;
import io.wschaos.spec.ParamException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.fault.builtin.DelayFault;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Opcode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DelayFaultTest {
  private static DelayFault delay(String by, String jitter) {
    return new DelayFault(new DelayFault.Params(Direction.TO_CLIENT, Durations.parse(by), jitter == null ? null : Durations.parse(jitter), null, null));
  }

  @Test
  void eachMessageLeavesExactlyByAfterItArrivedAndOrderIsKept() {
    StageHarness h = new StageHarness("delay").stageOf(delay("100ms", null), Direction.TO_CLIENT);
    h.text("a");
    h.clock.advanceMillis(10);
    h.text("b");
    h.clock.advanceMillis(89);
    assertEquals(List.of(), h.texts(), "nothing leaves before 100 ms");
    h.clock.advanceMillis(1);
    assertEquals(List.of("a"), h.texts());
    h.clock.advanceMillis(10);
    assertEquals(List.of("a", "b"), h.texts());
    assertEquals(100_000, h.out.get(0).atMicros());
    assertEquals(110_000, h.out.get(1).atMicros());
    assertEquals(0, h.held, "nothing is held once released");
  }

  @Test
  void jitterNeverReordersAndStaysWithinTheSpread() {
    StageHarness h = new StageHarness("delay").stageOf(delay("100ms", "50ms"), Direction.TO_CLIENT);
    for (int i = 0; i < 200; i++) {
      h.text("m" + i);
      h.clock.advanceMillis(5);
    }
    h.clock.advanceMillis(1000);
    assertEquals(200, h.out.size());
    for (int i = 0; i < 200; i++) {
      assertEquals("m" + i, h.texts().get(i), "order kept");
      long waited = h.out.get(i).atMicros() - h.out.get(i).unit().ingressMicros();
      assertTrue(waited >= 50_000 && waited <= 150_000 + 50_000, "message " + i + " waited " + waited + " µs");
    }
  }

  @Test
  void sameSeedGivesTheSameReleaseTimes() {
    List<Long> first = run(7);
    assertEquals(first, run(7));
    assertTrue(!first.equals(run(8)), "another seed draws other delays");
  }

  private static List<Long> run(long seed) {
    StageHarness h = new StageHarness("delay", seed, null).stageOf(delay("100ms", "50ms"), Direction.TO_CLIENT);
    for (int i = 0; i < 50; i++) {
      h.text("m" + i);
      h.clock.advanceMillis(20);
    }
    h.clock.advanceMillis(1000);
    return h.out.stream().map(StageHarness.Out::atMicros).toList();
  }

  @Test
  void removingTheFaultFlushesHeldMessagesInOrderAtOnce() {
    StageHarness h = new StageHarness("delay").stageOf(delay("1s", null), Direction.TO_CLIENT);
    h.text("a");
    h.text("b");
    h.clock.advanceMillis(10);
    h.remove();
    assertEquals(List.of("a", "b"), h.texts());
    assertEquals(10_000, h.out.get(1).atMicros());
    h.clock.advanceMillis(2000);
    assertEquals(2, h.out.size(), "the old timer releases nothing twice");
  }

  @Test
  void aCloseWaitsBehindHeldMessagesButPingsDoNot() {
    StageHarness h = new StageHarness("delay").stageOf(delay("100ms", null), Direction.TO_CLIENT);
    h.text("a");
    h.control(Opcode.PING, new byte[0]);
    h.control(Opcode.CLOSE, new byte[] {3, (byte) 0xe8});
    assertEquals(List.of(Opcode.PING), h.out.stream().map(o -> o.unit().opcode()).toList());
    h.clock.advanceMillis(100);
    assertEquals(List.of(Opcode.PING, Opcode.TEXT, Opcode.CLOSE), h.out.stream().map(o -> o.unit().opcode()).toList());
  }

  @Test
  void paramsRejectImpossibleValues() {
    assertThrowsParam("by", () -> new DelayFault.Params(Direction.TO_CLIENT, null, null, null, null));
    assertThrowsParam("to", () -> new DelayFault.Params(null, Duration.ofMillis(1), null, null, null));
    assertThrowsParam("jitter", () -> new DelayFault.Params(Direction.TO_CLIENT, Duration.ofMillis(1), Duration.ofMillis(-1), null, null));
  }

  static void assertThrowsParam(String key, Runnable r) {
    ParamException e = org.junit.jupiter.api.Assertions.assertThrows(ParamException.class, r::run);
    assertEquals(key, e.key());
  }
}
