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
        .sentence("no attempt came within 10 s (±0.6 s) of any close 4000-4999 (1); none came in the 12 s after close 4003 by server at 3 s (client 1, link 1)");
  }

  @Test
  void aNaiveClientThatReconnectsOnEveryCodeFailsAtOnce() {
    TimelineBuilder tl = forbidden();
    long close = tl.seq();
    tl.at(3.9).attempt();
    long again = tl.seq();
    Expect.judge(FATAL, tl.running(4)).fails().isFinal().evidence(close, again)
        .sentence("expected no attempt for 10 s (±0.6 s) after close 4003 by server at 3 s (client 1, link 1); attempt 2 came at 3.9 s (0.9 s later)");
  }

  @Test
  void anAttemptJustInsideTheToleranceIsLenient() {
    TimelineBuilder tl = forbidden();
    tl.at(12.5).attempt(); // 9.5 s later: 10 s − 0.6 s = 9.4 s
    Expect.judge(FATAL, tl.judging(20, true)).passes().says("the next came 9.5 s after close 4003");
  }

  @Test
  void whileTheWindowRunsItIsOpenAndARunEndingInsideItIsUndecided() {
    TimelineBuilder tl = forbidden();
    long close = tl.seq();
    Expect.judge(FATAL, tl.running(5)).undecided().isOpen().evidence(close).says("waiting: only 2 s of the 10 s (±0.6 s) window");
    Expect.judge(FATAL, tl.judging(8, true)).undecided().isFinal().evidence(close).says("the run ended when only 5 s of the 10 s (±0.6 s) window after close 4003 by server at 3 s (client 1, link 1) had passed, with no attempt so far");
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
