package io.wschaos.expect.builtin;

import static io.wschaos.expect.TimelineBuilder.timeline;

import io.wschaos.expect.TimelineBuilder;
import org.junit.jupiter.api.Test;

class ClosesCleanlyTest {
  private static final String CLEAN = "closes_cleanly: {}";

  @Test
  void aClientThatClosesWithACodeAndAnswersTheServersClosePasses() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open().at(3).closeByServer(1001).at(3.01).closeByClient(1001).ended();
    tl.at(4).attempt().open().at(8).closeByClient(1000).ended();
    Expect.judge(CLEAN, tl.judging(10, true)).passes().isFinal().evidence(3, 4, 8)
        .sentence("the client closed properly on 2 links; the last: it closed client 1, link 2 with 1000 at 8 s");
  }

  @Test
  void droppingTheTcpInsteadOfClosingFails() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open().at(8).abortByClient("fin");
    Expect.judge(CLEAN, tl.running(8.1)).fails().isFinal().evidence(3)
        .sentence("expected the client to end its links with a close frame (1000-1003, 1007-1011 or 3000-4999); it dropped client 1, link 1's TCP (fin)"
            + " at 8 s without one");
  }

  @Test
  void aCloseWithoutACodeOrAnotherCodeThanAllowedFails() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open().at(8).closeByClient(null);
    Expect.judge(CLEAN, tl.running(8.1)).fails().says("closed client 1, link 1 at 8 s with no code (1005)");
    TimelineBuilder other = timeline();
    other.at(1).attempt().open().at(8).closeByClient(4000);
    Expect.judge("closes_cleanly: {code: 1000}", other.running(8.1)).fails().says("expected the client to close with 1000;", "with 4000");
    Expect.judge("closes_cleanly: {code: [1000, 4000-4099]}", other.judging(10, true)).passes();
  }

  @Test
  void notAnsweringTheServersCloseFails() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open().at(3).closeByServer(1001);
    Expect.judge(CLEAN, tl.running(3.5)).undecided().isOpen().evidence(3).says("waiting for the client to answer close 1001 by server at 3 s");
    tl.at(4).abortByClient("reset");
    Expect.judge(CLEAN, tl.running(4.1)).fails().isFinal().evidence(3, 4)
        .sentence("expected the client to answer a close with its own close frame; after close 1001 by server at 3 s on client 1, link 1 it dropped the TCP (reset) at 4 s");
  }

  @Test
  void linksTheOtherSideAbortedAreNotJudged() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open().at(3).abortByProxy("reset", "cut").at(4).attempt().rejected(503, "proxy", "fault down");
    Expect.judge(CLEAN, tl.judging(10, true)).undecided().isFinal().evidence()
        .sentence("the client neither ended a link itself nor was sent a close to answer during the run (teardown does not count)");
  }
}
