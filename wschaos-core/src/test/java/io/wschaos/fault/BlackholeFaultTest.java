package io.wschaos.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.frame.Direction;
import io.wschaos.frame.Opcode;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BlackholeFaultTest {
  private static final byte[] CLOSE_1000 = {3, (byte) 0xe8};

  @Test
  void swallowsDataControlFramesAndClosesAndRecordsEachWithItsMessageId() {
    StageHarness h = new StageHarness("blackhole").stageOf(YamlFaults.fault("blackhole: {}"), Direction.TO_CLIENT);
    h.text("a");
    h.binary(new byte[] {1, 2});
    h.control(Opcode.PING, new byte[0]);
    h.control(Opcode.PONG, new byte[0]);
    h.control(Opcode.CLOSE, CLOSE_1000);
    h.clock.advanceMillis(10_000);
    assertEquals(List.of(), h.out, "nothing leaves a blackhole");
    assertEquals(
        List.of(
            new StageHarness.Recorded("swallowed", Direction.TO_CLIENT, 1, null),
            new StageHarness.Recorded("swallowed", Direction.TO_CLIENT, 2, null),
            new StageHarness.Recorded("swallowed", Direction.TO_CLIENT, 0, "ping"),
            new StageHarness.Recorded("swallowed", Direction.TO_CLIENT, 0, "pong"),
            new StageHarness.Recorded("swallowed", Direction.TO_CLIENT, 0, "close")),
        h.recorded);
    assertEquals(0, h.held, "a blackhole holds nothing");
  }

  @Test
  void controlPassLetsPingsAndPongsThroughButNeverACloseFrame() {
    StageHarness h = new StageHarness("blackhole").stageOf(YamlFaults.fault("blackhole: {control: pass}"), Direction.TO_SERVER);
    h.text("a");
    h.control(Opcode.PING, new byte[] {7});
    h.control(Opcode.PONG, new byte[] {8});
    h.control(Opcode.CLOSE, CLOSE_1000);
    assertEquals(List.of(Opcode.PING, Opcode.PONG), h.out.stream().map(o -> o.unit().opcode()).toList());
    assertEquals(List.of("swallowed", "swallowed"), h.actions());
  }

  @Test
  void itHoldsTheLinkEndAndItsFlushReleasesNothing() {
    StageHarness h = new StageHarness("blackhole").stageOf(YamlFaults.fault("blackhole: {}"), Direction.TO_CLIENT);
    assertTrue(h.stage().holdsLinkEnd(), "no close or abort from the other leg may pass while it lasts");
    h.text("a");
    h.remove();
    assertEquals(List.of(), h.out, "what was swallowed stays swallowed");
  }

  @Test
  void toChoosesTheDirections() {
    assertEquals(Set.of(Direction.TO_SERVER, Direction.TO_CLIENT), YamlFaults.fault("blackhole: {}").directions());
    assertEquals(Set.of(Direction.TO_CLIENT), YamlFaults.fault("blackhole: {to: client}").directions());
    assertEquals(Set.of(Direction.TO_SERVER), YamlFaults.fault("blackhole: {to: server}").directions());
  }

  private static List<String> stop(String yaml, StageHarness h) {
    FakeLink link = new FakeLink(h.clock);
    Fault f = YamlFaults.fault(yaml);
    f.start(link, h);
    assertEquals(List.of(), link.calls, "a blackhole does nothing to the link when it starts");
    f.stop(link, h);
    return link.calls;
  }

  @Test
  void byDefaultItEndsByAbortingBothLegsWithFin() {
    assertEquals(List.of("abort client fin f1", "abort server fin f1"), stop("blackhole: {}", new StageHarness("blackhole")));
    assertEquals(List.of("abort client fin f1", "abort server fin f1"), stop("blackhole: {then: abort}", new StageHarness("blackhole")));
  }

  @Test
  void thenAbortResetResetsBothLegs() {
    assertEquals(List.of("abort client reset f1", "abort server reset f1"), stop("blackhole: {then: abort reset}", new StageHarness("blackhole")));
  }

  @Test
  void thenCloseSendsTheCodeToTheClientAndGoingAwayToTheServer() {
    assertEquals(
        List.of("close client 4000 blackhole ended (wschaos fault f1) f1", "close server 1001 closed by wschaos fault f1 f1"),
        stop("blackhole: {to: client, then: close 4000}", new StageHarness("blackhole")));
  }

  @Test
  void thenResumeLeavesTheLinkOpenAndRecordsAFlaggedResume() {
    StageHarness h = new StageHarness("blackhole");
    assertEquals(List.of(), stop("blackhole: {then: resume}", h));
    assertEquals(List.of("resumed"), h.actions());
    assertTrue(h.recorded.get(0).detail().startsWith("flagged"), h.recorded.toString());
  }

  @Test
  void paramsSayWhatIsAllowed() {
    assertEquals(
        "faults[0].blackhole.then: 'explode' is not allowed here (abort, abort fin, abort reset, close CODE or resume)",
        YamlFaults.problems("blackhole: {then: explode}"));
    assertEquals(
        "faults[0].blackhole.then: 1006 is not a valid close code (1000-1014 except 1004-1006, or 3000-4999)",
        YamlFaults.problems("blackhole: {then: close 1006}"));
    assertEquals("faults[0].blackhole.control: 'drop' is not allowed here (one of swallow, pass)", YamlFaults.problems("blackhole: {control: drop}"));
  }
}
