package io.wschaos.fault;

import static io.wschaos.fault.DelayFaultTest.assertThrowsParam;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wschaos.fault.builtin.FragmentFault;
import io.wschaos.frame.BytesFrame;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Frame;
import io.wschaos.frame.Opcode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class FragmentFaultTest {
  private static StageHarness harness(int frames) {
    return new StageHarness("fragment").stageOf(new FragmentFault(new FragmentFault.Params(Direction.TO_CLIENT, frames, null)), Direction.TO_CLIENT);
  }

  private static List<Integer> sizes(Unit u) {
    return u.frames().stream().map(Frame::size).toList();
  }

  private static List<String> shape(Unit u) {
    return u.frames().stream().map(f -> f.opcode().wire() + (f.fin() ? "+fin" : "")).toList();
  }

  @Test
  void withSizeEachMessageIsCutIntoFramesOfAtMostThatManyBytes() {
    StageHarness h = new StageHarness("fragment").stageOf(new FragmentFault(new FragmentFault.Params(Direction.TO_CLIENT, null, 3)), Direction.TO_CLIENT);
    h.text("abcdefgh");
    h.text("abc");
    assertEquals(List.of(3, 3, 2), sizes(h.out.get(0).unit()));
    assertEquals("abcdefgh", h.out.get(0).unit().text());
    assertEquals(List.of(3), sizes(h.out.get(1).unit()), "a message no longer than size passes whole");
    assertEquals(List.of("fragmented"), h.actions());
    assertThrowsParam("size", () -> new FragmentFault.Params(Direction.TO_CLIENT, 2, 3));
    assertThrowsParam("size", () -> new FragmentFault.Params(Direction.TO_CLIENT, null, 0));
  }

  @Test
  void eachMessageLeavesAsFramesFramesWithFinOnlyOnTheLast() {
    StageHarness h = harness(3);
    h.text("abcdefgh");
    Unit u = h.out.get(0).unit();
    assertEquals(List.of("text", "continuation", "continuation+fin"), shape(u));
    assertEquals(List.of(3, 3, 2), sizes(u), "as even as possible");
    assertEquals("abcdefgh", u.text(), "the payload is whole, in order");
    assertEquals(u.id(), 1);
    assertEquals(List.of("fragmented"), h.actions());
  }

  @Test
  void aMessageShorterThanFramesGetsEmptyFragmentsAndBinaryKeepsItsOpcode() {
    StageHarness h = harness(4);
    h.binary(new byte[] {1, 2});
    h.text("");
    assertEquals(List.of("binary", "continuation", "continuation", "continuation+fin"), shape(h.out.get(0).unit()));
    assertEquals(List.of(1, 1, 0, 0), sizes(h.out.get(0).unit()));
    assertEquals(List.of(0, 0, 0, 0), sizes(h.out.get(1).unit()));
  }

  @Test
  void anAlreadyFragmentedMessageIsSplitAfreshAndControlFramesPass() {
    StageHarness h = harness(2);
    h.control(Opcode.PING, new byte[] {9});
    h.feed(h.unit(List.of(
        new BytesFrame(Opcode.TEXT, false, "a".getBytes(StandardCharsets.UTF_8)),
        new BytesFrame(Opcode.CONTINUATION, false, "b".getBytes(StandardCharsets.UTF_8)),
        new BytesFrame(Opcode.CONTINUATION, true, "cd".getBytes(StandardCharsets.UTF_8)))));
    assertEquals(List.of("ping+fin"), shape(h.out.get(0).unit()));
    assertEquals(List.of("text", "continuation+fin"), shape(h.out.get(1).unit()));
    assertEquals(List.of(2, 2), sizes(h.out.get(1).unit()));
    assertEquals(List.of("fragmented"), h.actions(), "the ping is not touched");
  }

  @Test
  void theTriggersProbabilityDecidesPerMessage() {
    StageHarness h = new StageHarness("fragment", 5, 0.5).stageOf(new FragmentFault(new FragmentFault.Params(Direction.TO_CLIENT, 2, null)), Direction.TO_CLIENT);
    for (int i = 0; i < 100; i++) {
      h.text("m" + i);
    }
    long split = h.out.stream().filter(o -> o.unit().frames().size() == 2).count();
    assertEquals(h.recorded.size(), split);
    org.junit.jupiter.api.Assertions.assertTrue(split > 25 && split < 75, split + " of 100");
  }

  @Test
  void paramsRejectImpossibleValues() {
    assertThrowsParam("to", () -> new FragmentFault.Params(null, 2, null));
    assertThrowsParam("frames", () -> new FragmentFault.Params(Direction.TO_CLIENT, 1, null));
    assertThrowsParam("frames", () -> new FragmentFault.Params(Direction.TO_CLIENT, 1_000_000, null));
    assertEquals(2, new FragmentFault.Params(Direction.TO_CLIENT, null, null).frames());
  }
}
