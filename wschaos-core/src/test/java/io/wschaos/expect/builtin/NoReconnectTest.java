package io.wschaos.expect.builtin;

import static io.wschaos.expect.TimelineBuilder.timeline;

import io.wschaos.expect.TimelineBuilder;
import org.junit.jupiter.api.Test;

class NoReconnectTest {
  private static final String FATAL = "no_reconnect: {after: {close: 4000-4999}, for: 10s}";

  private static TimelineBuilder forbidden() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open().at(3).closeByServer(4003);
    return tl;
  }

  @Test
  void aClientThatStopsAfterAFatalCodePassesOnceTheWindowWasSeen() {
    TimelineBuilder tl = forbidden();
    long close = tl.seq();
    tl.at(3.01).closeByClient(4003).ended();
    Expect.judge(FATAL, tl.judging(15, true)).passes().isFinal().evidence(close)
        .sentence("no attempt came within 10 s of any close 4000-4999 (1); none came in the 12 s after close 4003 by server at 3 s (client 1, link 1)");
  }

  @Test
  void aNaiveClientThatReconnectsOnEveryCodeFailsAtOnce() {
    TimelineBuilder tl = forbidden();
    long close = tl.seq();
    tl.at(3.9).attempt();
    long again = tl.seq();
    Expect.judge(FATAL, tl.running(4)).fails().isFinal().evidence(close, again)
        .sentence("expected no attempt for 10 s after close 4003 by server at 3 s (client 1, link 1); attempt 2 came at 3.9 s (0.9 s later)");
  }

  @Test
  void toleranceNeverShortensTheWindowAnAttemptInsideItFailsHoweverClose() {
    TimelineBuilder tl = forbidden();
    tl.at(12.5).attempt(); // 9.5 s later: the old rule (10 s − 0.6 s tolerance) let it pass
    Expect.judge(FATAL, tl.judging(20, true)).fails().says("attempt 2 came at 12.5 s (9.5 s later)");

    TimelineBuilder short4 = timeline();
    short4.at(0.1).attempt().open().at(1.0).closeByServer(4003).at(4.75).attempt();
    Expect.judge("no_reconnect: {after: {close: 4003}, for: 4s}", short4.judging(10, true)).fails().says("(3.75 s later)");

    TimelineBuilder after = forbidden();
    after.at(13.0).attempt(); // exactly the window: allowed
    Expect.judge(FATAL, after.judging(20, true)).passes();
  }

  @Test
  void anotherSocketsReconnectIsNotAReconnectAfterTheFatalClose() {
    TimelineBuilder tl = timeline();
    tl.at(0.1).attemptOn("/feed", "").open();
    int feed = tl.currentLink();
    tl.at(0.2).attemptOn("/chat", "").open().at(2.0).abortByProxy("reset", "cut");
    tl.link(feed).at(3.0).closeByServer(4003);
    tl.at(3.5).attemptOn("/chat", "").open(); // the chat socket comes back: right
    Expect.judge("no_reconnect: {after: {close: 4003}, for: 10s}", tl.judging(20, true)).passes();
    Expect.judge("reconnect: {after: abort, within: 2s}", tl.judging(20, true)).passes();
    Expect.judge("reconnect: {after: {close: 4003}, within: 2s}", tl.judging(20, true)).fails().says("none came");
  }

  @Test
  void whileTheWindowRunsItIsOpenAndARunEndingInsideItIsUndecided() {
    TimelineBuilder tl = forbidden();
    long close = tl.seq();
    Expect.judge(FATAL, tl.running(5)).undecided().isOpen().evidence(close).says("waiting: only 2 s of the 10 s window");
    Expect.judge(FATAL, tl.judging(8, true)).undecided().isFinal().evidence(close).says("the run ended when only 5 s of the 10 s window after close 4003 by server at 3 s (client 1, link 1) had passed, with no attempt so far");
  }

  @Test
  void aClientWhoseProcessExitsMakesNoAttemptAndSaysSo() {
    TimelineBuilder tl = forbidden();
    long close = tl.seq();
    tl.at(3.5).exited(0);
    long exit = tl.seq();
    Expect.judge(FATAL, tl.judging(6, true)).passes().evidence(close, exit).says("client 1 exited with code 0 at 3.5 s after close 4003");
  }

  @Test
  void withoutAFatalEndItIsUndecided() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open().at(3).closeByServer(1001).at(4).attempt().open();
    Expect.judge(FATAL, tl.judging(20, true)).undecided().isFinal().evidence().sentence("no close 4000-4999 ever reached the client");
  }
}
