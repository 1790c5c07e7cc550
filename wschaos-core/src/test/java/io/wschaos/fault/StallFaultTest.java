package io.wschaos.fault;

import static io.wschaos.fault.DelayFaultTest.assertThrowsParam;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.fault.builtin.StallFault;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Opcode;
import java.util.List;
import org.junit.jupiter.api.Test;

class StallFaultTest {
  private static final long LINK_BOUND = 8L * 1024 * 1024;

  private static StageHarness harness(Long maxBytes) {
    return new StageHarness("stall").stageOf(new StallFault(new StallFault.Params(Direction.TO_CLIENT, maxBytes)), Direction.TO_CLIENT);
  }

  @Test
  void everyUnitIsHeldWhileItLastsAndReleasedInOrderWhenItEnds() {
    StageHarness h = harness(null);
    h.text("a");
    h.control(Opcode.PING, new byte[0]);
    h.text("b");
    h.control(Opcode.CLOSE, new byte[] {3, (byte) 0xe8});
    h.clock.advanceMillis(60_000);
    assertEquals(List.of(), h.out, "nothing passes a stall, however long");
    assertEquals(List.of("stalled", "stalled", "stalled", "stalled"), h.actions(), "once per unit");
    assertEquals(4, h.held);
    h.remove();
    assertEquals(List.of(Opcode.TEXT, Opcode.PING, Opcode.TEXT, Opcode.CLOSE), h.out.stream().map(o -> o.unit().opcode()).toList());
    assertEquals(List.of("a", "", "b"), h.texts().subList(0, 3));
    assertEquals(0, h.held);
  }

  @Test
  void pastMaxBytesTheSourceIsPausedNotDropped() {
    StageHarness h = harness(10L);
    h.text("123456");
    assertEquals(6, h.held);
    h.text("7890");
    assertEquals(10, h.held, "at max_bytes, not past it");
    h.text("!");
    assertEquals(1, h.holdBacks, "past max_bytes the stall holds the sender back");
    h.text("more");
    h.remove();
    assertEquals(List.of("123456", "7890", "!", "more"), h.texts(), "nothing dropped");
    assertEquals(0, h.held);
    assertEquals(0, h.holdBacks, "the claim is given back");
  }

  @Test
  void discardRecordsWhatWasHeldAndGivesTheClaimBack() {
    StageHarness h = harness(1L);
    h.text("ab");
    h.text("cd");
    h.stage().discard();
    assertEquals(List.of("stalled", "stalled", "discarded", "discarded"), h.actions());
    assertEquals(0, h.held);
    assertEquals(List.of(), h.out);
  }

  @Test
  void paramsRejectImpossibleValues() {
    assertThrowsParam("to", () -> new StallFault.Params(null, null));
    assertThrowsParam("max_bytes", () -> new StallFault.Params(Direction.TO_CLIENT, 0L));
    assertThrowsParam("max_bytes", () -> new StallFault.Params(Direction.TO_CLIENT, LINK_BOUND + 1));
    assertEquals(LINK_BOUND, new StallFault.Params(Direction.TO_CLIENT, null).max_bytes());
  }
}
