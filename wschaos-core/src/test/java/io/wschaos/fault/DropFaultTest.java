package io.wschaos.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.frame.Direction;
import io.wschaos.frame.Opcode;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** drop on its own: units in, what passes and what was recorded out (the unit tier of docs/faults.md, drop). */
class DropFaultTest {
  private static StageHarness drop(String yaml) {
    return drop(yaml, null);
  }

  private static StageHarness drop(String yaml, Double probability) {
    return new StageHarness("drop", 42, probability).stageOf(YamlFaults.fault(yaml), Direction.TO_CLIENT);
  }

  private static List<String> numbers(int n) {
    return IntStream.range(0, n).mapToObj(Integer::toString).toList();
  }

  @Test
  void withoutALimitEveryDataMessageIsDroppedAndControlFramesPass() {
    StageHarness h = drop("drop: {to: client}");
    numbers(3).forEach(h::text);
    h.control(Opcode.PING, new byte[0]);
    assertEquals(List.of(Opcode.PING), h.out.stream().map(o -> o.unit().opcode()).toList());
    assertEquals(List.of("dropped", "dropped", "dropped"), h.actions());
    assertEquals(List.of(1L, 2L, 3L), h.recorded.stream().map(StageHarness.Recorded::messageId).toList(), "each drop names its message");
  }

  @Test
  void firstDropsTheNextNThenPassesEverything() {
    StageHarness h = drop("drop: {to: client, first: 3}");
    numbers(6).forEach(h::text);
    assertEquals(List.of("3", "4", "5"), h.texts());
    assertEquals(3, h.actions().size());
  }

  @Test
  void countDropsAtMostNInAllAndWithAProbabilityOnlyDrawnOnes() {
    StageHarness all = drop("drop: {to: client, count: 2}");
    numbers(5).forEach(all::text);
    assertEquals(List.of("2", "3", "4"), all.texts(), "without a probability: the first two");

    StageHarness drawn = drop("drop: {to: client, count: 3}", 0.3);
    numbers(40).forEach(drawn::text);
    assertEquals(3, drawn.actions().size(), "exactly count in all, however many are drawn");
    assertEquals(37, drawn.texts().size(), "nothing else is lost");
    List<Long> dropped = drawn.recorded.stream().map(StageHarness.Recorded::messageId).toList();
    assertTrue(!dropped.equals(List.of(1L, 2L, 3L)), "with probability 0.3 not simply the first three: " + dropped);
  }

  @Test
  void matchDropsOnlyTheDataMessagesThatMatch() {
    StageHarness h = drop("drop: {to: client, match: {type: tick, n: {gte: 2}}}");
    h.text("{\"type\":\"tick\",\"n\":1}");
    h.text("{\"type\":\"tick\",\"n\":2}");
    h.text("{\"type\":\"ack\",\"n\":3}");
    h.text("not json");
    h.text("{\"type\":\"tick\",\"n\":5}");
    h.binary(new byte[] {1});
    assertEquals(List.of("{\"type\":\"tick\",\"n\":1}", "{\"type\":\"ack\",\"n\":3}", "not json"), h.texts().subList(0, 3));
    assertEquals(4, h.out.size(), "the binary message passes: a match selects text only");
    assertEquals(List.of(2L, 5L), h.recorded.stream().map(StageHarness.Recorded::messageId).toList());
  }

  @Test
  void framesPongDropsPongsOnlyAndFramesAllDropsEverything() {
    StageHarness pong = drop("drop: {to: client, frames: pong}");
    pong.text("a");
    pong.control(Opcode.PING, new byte[0]);
    pong.control(Opcode.PONG, new byte[0]);
    pong.text("b");
    assertEquals(List.of(Opcode.TEXT, Opcode.PING, Opcode.TEXT), pong.out.stream().map(o -> o.unit().opcode()).toList());
    assertEquals(List.of("dropped"), pong.actions());

    StageHarness all = drop("drop: {to: client, frames: all, first: 2}");
    all.control(Opcode.PING, new byte[0]);
    all.text("a");
    all.text("b");
    assertEquals(List.of("b"), all.texts(), "the ping counted towards first");
    assertEquals(1, all.out.size());
  }

  @Test
  void paramsSayWhatIsAllowed() {
    assertEquals("faults[0].drop.to: drop needs to: server or client", YamlFaults.problems("drop: {first: 1}"));
    assertEquals("faults[0].drop.first: give first or count, not both", YamlFaults.problems("drop: {to: client, first: 1, count: 2}"));
    assertEquals("faults[0].drop.count: count is a number of messages ≥ 1", YamlFaults.problems("drop: {to: client, count: 0}"));
    assertTrue(YamlFaults.problems("drop: {to: client, match: {type: {eq: 1}}}").startsWith("faults[0].drop.match"),
        YamlFaults.problems("drop: {to: client, match: {type: {eq: 1}}}"));
    assertTrue(YamlFaults.problems("drop: {to: client, frames: text}").startsWith("faults[0].drop.frames: 'text' is not allowed here"),
        YamlFaults.problems("drop: {to: client, frames: text}"));
  }
}
