package io.wschaos.fault;

import static io.wschaos.fault.DelayFaultTest.assertThrowsParam;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wschaos.fault.builtin.LimitDataFault;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Opcode;
import java.util.List;
import org.junit.jupiter.api.Test;

class LimitDataFaultTest {
  private static LimitDataFault fault(long bytes, String then) {
    return new LimitDataFault(new LimitDataFault.Params(Direction.TO_CLIENT, bytes, then));
  }

  @Test
  void messagesPassWithinTheBudgetAndTheOneCrossingItIsSwallowedThenTheLinkIsCut() {
    StageHarness h = new StageHarness("limit_data");
    LimitDataFault f = fault(10, null);
    h.stageOf(f, Direction.TO_CLIENT);
    FakeLink link = new FakeLink(h.clock);
    f.start(link, h);
    h.text("hello"); // 5
    h.control(Opcode.PING, new byte[0]); // control frames are not counted
    h.text("world!"); // 11 > 10
    h.text("later");
    assertEquals(List.of("hello", ""), h.texts(), "hello and the ping pass; world! and later do not");
    assertEquals(List.of(), link.calls, "the cut waits for the loop's next turn");
    h.clock.advance(0);
    assertEquals(List.of("abort client fin f1", "abort server fin f1"), link.calls);
    assertEquals(List.of("swallowed", "limit_reached", "swallowed"), h.actions());
  }

  @Test
  void reachingTheBudgetExactlyDeliversThenCutsAndThenCanClose() {
    StageHarness h = new StageHarness("limit_data");
    LimitDataFault f = fault(5, "close 4000");
    h.stageOf(f, Direction.TO_CLIENT);
    FakeLink link = new FakeLink(h.clock);
    f.start(link, h);
    h.text("hello");
    h.clock.advance(0);
    assertEquals(List.of("hello"), h.texts());
    assertEquals(List.of("close client 4000 data limit reached f1", "close server 1001 closed by wschaos fault f1 f1"), link.calls);
  }

  @Test
  void aZeroBudgetCutsAtOnceAndParametersAreChecked() {
    StageHarness h = new StageHarness("limit_data");
    LimitDataFault f = fault(0, null);
    h.stageOf(f, Direction.TO_CLIENT);
    FakeLink link = new FakeLink(h.clock);
    f.start(link, h);
    h.clock.advance(0);
    h.text("x");
    assertEquals(List.of(), h.texts());
    assertEquals(2, link.calls.size());
    assertThrowsParam("bytes", () -> new LimitDataFault.Params(Direction.TO_CLIENT, -1L, null));
    assertThrowsParam("bytes", () -> new LimitDataFault.Params(Direction.TO_CLIENT, null, null));
    assertThrowsParam("to", () -> new LimitDataFault.Params(null, 1L, null));
    assertThrowsParam("then", () -> new LimitDataFault.Params(Direction.TO_CLIENT, 1L, "resume"));
  }
}
