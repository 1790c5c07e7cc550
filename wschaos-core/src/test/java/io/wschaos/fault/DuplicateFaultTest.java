package io.wschaos.fault;

import io.wschaos.spec.Durations;
import static io.wschaos.fault.DelayFaultTest.assertThrowsParam;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.fault.builtin.DuplicateFault;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Opcode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class DuplicateFaultTest {
  private static DuplicateFault duplicate(Integer count, String gap) {
    return new DuplicateFault(new DuplicateFault.Params(Direction.TO_CLIENT, count, gap == null ? null : Durations.parse(gap)));
  }

  @Test
  void eachMessageIsFollowedByExactlyCountCopiesBackToBack() {
    StageHarness h = new StageHarness("duplicate").stageOf(duplicate(2, null), Direction.TO_CLIENT);
    h.text("a");
    h.text("b");
    assertEquals(List.of("a", "a", "a", "b", "b", "b"), h.texts());
    assertNotSame(h.out.get(0).unit().frames().get(0), h.out.get(1).unit().frames().get(0), "a copy is a new frame");
    assertEquals(h.out.get(0).unit().id(), h.out.get(1).unit().id(), "a copy carries the message's id");
    assertEquals(List.of("duplicated", "duplicated"), h.actions(), "one event per message");
    assertEquals(0, h.held);
  }

  @Test
  void theDefaultIsOneCopy() {
    StageHarness h = new StageHarness("duplicate").stageOf(duplicate(null, null), Direction.TO_CLIENT);
    h.binary(new byte[] {1, 2, 3});
    assertEquals(2, h.out.size());
    assertEquals(Opcode.BINARY, h.out.get(1).unit().opcode());
  }

  @Test
  void copiesAreSpacedByGapWhileLaterMessagesFlowPast() {
    StageHarness h = new StageHarness("duplicate").stageOf(duplicate(2, "100ms"), Direction.TO_CLIENT);
    h.text("a");
    h.clock.advanceMillis(50);
    h.text("b");
    assertEquals(List.of("a", "b"), h.texts(), "originals are not held");
    assertTrue(h.held > 0, "copies due later count as held");
    h.clock.advanceMillis(1000);
    assertEquals(List.of("a", "b", "a", "a", "b", "b"), h.texts());
    assertEquals(List.of(0L, 50_000L, 100_000L, 200_000L, 200_000L, 250_000L), h.out.stream().map(StageHarness.Out::atMicros).toList(),
        "copy k leaves at max(previous copy, arrival + k·gap)");
    assertEquals(0, h.held);
  }

  @Test
  void aCloseLeavesOnlyAfterTheCopiesStillDueAndControlFramesAreNotCopied() {
    StageHarness h = new StageHarness("duplicate").stageOf(duplicate(1, "1s"), Direction.TO_CLIENT);
    h.text("a");
    h.control(Opcode.PING, new byte[0]);
    h.control(Opcode.CLOSE, new byte[] {3, (byte) 0xe8});
    assertEquals(List.of(Opcode.TEXT, Opcode.PING, Opcode.TEXT, Opcode.CLOSE), h.out.stream().map(o -> o.unit().opcode()).toList());
    h.clock.advanceMillis(2000);
    assertEquals(4, h.out.size(), "the copy's timer sends nothing twice");
  }

  @Test
  void removingTheFaultSendsTheCopiesStillDueInOrderAndDiscardRecordsThem() {
    StageHarness h = new StageHarness("duplicate").stageOf(duplicate(2, "1s"), Direction.TO_CLIENT);
    h.text("a");
    h.text("b");
    h.remove();
    assertEquals(List.of("a", "b", "a", "a", "b", "b"), h.texts());
    assertEquals(0, h.held);

    StageHarness d = new StageHarness("duplicate").stageOf(duplicate(2, "1s"), Direction.TO_CLIENT);
    d.text("a");
    d.stage().discard();
    assertEquals(List.of("duplicated", "discarded", "discarded"), d.actions());
    assertEquals(0, d.held);
  }

  @Test
  void theTriggersProbabilityDrawsFromTheSeededStream() {
    List<Long> first = duplicatedIds(7);
    assertEquals(first, duplicatedIds(7), "the same seed duplicates the same messages");
    assertNotEquals(first, duplicatedIds(8));
    assertTrue(first.size() > 25 && first.size() < 75, first.size() + " of 100 duplicated at p = 0.5");
  }

  private static List<Long> duplicatedIds(long seed) {
    StageHarness h = new StageHarness("duplicate", seed, 0.5).stageOf(duplicate(1, null), Direction.TO_CLIENT);
    for (int i = 0; i < 100; i++) {
      h.text("m" + i);
    }
    assertEquals(100 + h.recorded.size(), h.out.size(), "one copy per duplicated message");
    return h.recorded.stream().map(StageHarness.Recorded::messageId).toList();
  }

  @Test
  void paramsRejectImpossibleValues() {
    assertThrowsParam("to", () -> new DuplicateFault.Params(null, 1, null));
    assertThrowsParam("count", () -> new DuplicateFault.Params(Direction.TO_CLIENT, 0, null));
    assertThrowsParam("gap", () -> new DuplicateFault.Params(Direction.TO_CLIENT, 1, Duration.ofMillis(-1)));
  }
}
