package io.wschaos.fault;

import io.wschaos.spec.Durations;
import static io.wschaos.fault.DelayFaultTest.assertThrowsParam;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.fault.builtin.ReorderFault;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Opcode;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReorderFaultTest {
  private static ReorderFault reorder(int window, ReorderFault.Order order, String maxHold) {
    return new ReorderFault(new ReorderFault.Params(Direction.TO_CLIENT, window, order, maxHold == null ? null : Durations.parse(maxHold)));
  }

  @Test
  void eachWindowLeavesAsAPermutationOfItselfWithNothingLost() {
    StageHarness h = new StageHarness("reorder").stageOf(reorder(3, null, null), Direction.TO_CLIENT);
    for (int i = 0; i < 30; i++) {
      h.text(Integer.toString(i));
      assertEquals(i + 1 - (i + 1) % 3, h.out.size(), "a window leaves when it is full, not before");
    }
    List<String> got = h.texts();
    boolean moved = false;
    for (int w = 0; w < 10; w++) {
      Set<String> expected = Set.of(Integer.toString(3 * w), Integer.toString(3 * w + 1), Integer.toString(3 * w + 2));
      assertEquals(expected, new HashSet<>(got.subList(3 * w, 3 * w + 3)), "window " + w + " is a permutation of its own messages");
      moved |= !got.subList(3 * w, 3 * w + 3).equals(List.of(Integer.toString(3 * w), Integer.toString(3 * w + 1), Integer.toString(3 * w + 2)));
    }
    assertTrue(moved, "some window left out of order: " + got);
    assertEquals(30, h.actions().stream().filter("reordered"::equals).count(), "one event per message");
    assertEquals(0, h.held);
  }

  @Test
  void reversedReleasesTheWindowBackwards() {
    StageHarness h = new StageHarness("reorder").stageOf(reorder(3, ReorderFault.Order.REVERSED, null), Direction.TO_CLIENT);
    for (String s : List.of("a", "b", "c", "d", "e", "f")) {
      h.text(s);
    }
    assertEquals(List.of("c", "b", "a", "f", "e", "d"), h.texts());
  }

  @Test
  void aWindowThatDoesNotFillLeavesWhenMaxHoldRunsOut() {
    StageHarness h = new StageHarness("reorder").stageOf(reorder(5, ReorderFault.Order.REVERSED, "200ms"), Direction.TO_CLIENT);
    h.text("a");
    h.clock.advanceMillis(150);
    h.text("b");
    h.clock.advanceMillis(49);
    assertEquals(List.of(), h.texts(), "held until max_hold after the first");
    h.clock.advanceMillis(1);
    assertEquals(List.of("b", "a"), h.texts(), "what it has, permuted");
    assertEquals(200_000, h.out.get(0).atMicros());
    h.text("c");
    h.clock.advanceMillis(200);
    assertEquals(List.of("b", "a", "c"), h.texts(), "a new window starts its own max_hold");
  }

  @Test
  void heldMessagesLeaveBeforeALaterCloseAndPingsPass() {
    StageHarness h = new StageHarness("reorder").stageOf(reorder(3, ReorderFault.Order.REVERSED, null), Direction.TO_CLIENT);
    h.text("a");
    h.control(Opcode.PING, new byte[0]);
    h.text("b");
    h.control(Opcode.CLOSE, new byte[] {3, (byte) 0xe8});
    assertEquals(List.of(Opcode.PING, Opcode.TEXT, Opcode.TEXT, Opcode.CLOSE), h.out.stream().map(o -> o.unit().opcode()).toList());
    assertEquals(List.of("", "b", "a"), h.texts().subList(0, 3));
  }

  @Test
  void removingTheFaultFlushesHeldMessagesInArrivalOrder() {
    StageHarness h = new StageHarness("reorder").stageOf(reorder(5, ReorderFault.Order.REVERSED, null), Direction.TO_CLIENT);
    h.text("a");
    h.text("b");
    h.text("c");
    h.remove();
    assertEquals(List.of("a", "b", "c"), h.texts());
    assertEquals(0, h.held);
    h.clock.advanceMillis(2000);
    assertEquals(3, h.out.size(), "the max_hold timer releases nothing twice");
  }

  @Test
  void discardRecordsWhatWasHeld() {
    StageHarness h = new StageHarness("reorder").stageOf(reorder(5, null, null), Direction.TO_CLIENT);
    h.text("a");
    h.text("b");
    h.stage().discard();
    assertEquals(List.of("discarded", "discarded"), h.actions());
    assertEquals(0, h.held);
    assertEquals(List.of(), h.texts());
  }

  @Test
  void theSameSeedGivesTheSameOrder() {
    List<String> first = run(7);
    assertEquals(first, run(7));
    assertNotEquals(first, run(8), "another seed shuffles otherwise");
  }

  private static List<String> run(long seed) {
    StageHarness h = new StageHarness("reorder", seed, null).stageOf(reorder(4, null, null), Direction.TO_CLIENT);
    for (int i = 0; i < 40; i++) {
      h.text(Integer.toString(i));
    }
    return h.texts();
  }

  @Test
  void paramsRejectImpossibleValues() {
    assertThrowsParam("to", () -> new ReorderFault.Params(null, 3, null, null));
    assertThrowsParam("window", () -> new ReorderFault.Params(Direction.TO_CLIENT, 1, null, null));
    assertThrowsParam("max_hold", () -> new ReorderFault.Params(Direction.TO_CLIENT, 3, null, Duration.ZERO));
    ReorderFault.Params d = new ReorderFault.Params(Direction.TO_CLIENT, null, null, null);
    assertEquals(3, d.window());
    assertEquals(ReorderFault.Order.SHUFFLED, d.order());
    assertEquals(Duration.ofSeconds(1), d.max_hold());
  }
}
