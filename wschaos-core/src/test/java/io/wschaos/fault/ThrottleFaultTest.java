package io.wschaos.fault;

import static io.wschaos.fault.DelayFaultTest.assertThrowsParam;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.fault.builtin.ThrottleFault;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Opcode;
import java.util.List;
import org.junit.jupiter.api.Test;

class ThrottleFaultTest {
  private static StageHarness harness(long rate) {
    return new StageHarness("throttle").stageOf(new ThrottleFault(new ThrottleFault.Params(Direction.TO_CLIENT, rate)), Direction.TO_CLIENT);
  }

  private static final String HUNDRED = "x".repeat(100);

  @Test
  void unitsLeaveNoFasterThanTheRateInOrder() {
    StageHarness h = harness(1000);
    for (int i = 0; i < 10; i++) {
      h.text(i + HUNDRED.substring(1));
    }
    assertEquals(1000, h.held, "all ten wait");
    h.clock.advanceMillis(99);
    assertEquals(0, h.out.size(), "100 bytes at 1000 B/s take 100 ms");
    h.clock.advanceMillis(2000);
    assertEquals(10, h.out.size());
    for (int i = 0; i < 10; i++) {
      assertEquals(Integer.toString(i), h.texts().get(i).substring(0, 1), "order kept");
      assertEquals((i + 1) * 100_000L, h.out.get(i).atMicros(), "message " + i);
    }
    assertEquals(0, h.held);
  }

  @Test
  void anIdleLinkStartsAfreshFromNow() {
    StageHarness h = harness(1000);
    h.text(HUNDRED);
    h.clock.advanceMillis(500);
    h.text(HUNDRED);
    h.clock.advanceMillis(500);
    assertEquals(List.of(100_000L, 600_000L), h.out.stream().map(StageHarness.Out::atMicros).toList());
  }

  @Test
  void theRateHoldsOverALongRunOfUnevenMessages() {
    StageHarness h = harness(20_000);
    long bytes = 0;
    for (int i = 0; i < 300; i++) {
      int n = 1 + (i * 37) % 700;
      h.text("y".repeat(n));
      bytes += n;
      h.clock.advanceMillis(1); // offered far faster than the rate
    }
    h.clock.advanceMillis(60_000);
    long span = h.out.get(h.out.size() - 1).atMicros();
    double rate = bytes * 1e6 / span;
    assertTrue(Math.abs(rate - 20_000) < 20, "measured " + rate + " B/s");
  }

  @Test
  void controlFramesAndClosesWaitTheirTurn() {
    StageHarness h = harness(1000);
    h.text(HUNDRED);
    h.control(Opcode.PING, new byte[0]);
    h.control(Opcode.CLOSE, new byte[] {3, (byte) 0xe8});
    h.clock.advanceMillis(101);
    assertEquals(List.of(Opcode.TEXT, Opcode.PING), h.out.stream().map(o -> o.unit().opcode()).toList());
    h.clock.advanceMillis(1);
    assertEquals(List.of(Opcode.TEXT, Opcode.PING, Opcode.CLOSE), h.out.stream().map(o -> o.unit().opcode()).toList());
    assertEquals(102_000, h.out.get(2).atMicros(), "the close's 2 bytes take 2 ms");
  }

  @Test
  void anEmptyFrameOnAnIdleLinkPassesAtOnce() {
    StageHarness h = harness(1000);
    h.control(Opcode.PONG, new byte[0]);
    assertEquals(1, h.out.size());
  }

  @Test
  void removingTheFaultFlushesInOrderAndDiscardRecords() {
    StageHarness h = harness(10);
    h.text("a");
    h.text("b");
    h.remove();
    assertEquals(List.of("a", "b"), h.texts());
    assertEquals(0, h.held);
    h.clock.advanceMillis(10_000);
    assertEquals(2, h.out.size(), "nothing leaves twice");

    StageHarness d = harness(10);
    d.text("a");
    d.text("b");
    d.stage().discard();
    assertEquals(List.of("throttled", "throttled", "discarded", "discarded"), d.actions());
    assertEquals(0, d.held);
  }

  @Test
  void paramsRejectImpossibleValues() {
    assertThrowsParam("to", () -> new ThrottleFault.Params(null, 1L));
    assertThrowsParam("bytes_per_second", () -> new ThrottleFault.Params(Direction.TO_CLIENT, null));
    assertThrowsParam("bytes_per_second", () -> new ThrottleFault.Params(Direction.TO_CLIENT, 0L));
  }
}
