package io.wschaos.expect.builtin;

import static io.wschaos.expect.TimelineBuilder.timeline;

import io.wschaos.expect.TimelineBuilder;
import org.junit.jupiter.api.Test;

class ReconnectTest {
  private static final String AFTER_1001 = "reconnect: {after: {close: 1001}, within: 3s}";

  /** Link 1 opens, the proxy closes it with 1001 at 3.004 s. */
  private static TimelineBuilder closed1001() {
    TimelineBuilder tl = timeline();
    tl.at(0.5).spawned().at(1.0).attempt().at(1.01).open();
    tl.at(3.004).closeByProxy(1001, "restart");
    return tl;
  }

  @Test
  void aReconnectWithinTheBoundPassesCitingTheCloseAndTheAttempt() {
    TimelineBuilder tl = closed1001();
    long close = tl.seq();
    tl.at(3.854).attempt();
    long attempt = tl.seq();
    tl.at(3.86).open().at(10);

    Expect.judge(AFTER_1001, tl.over()).passes().isFinal().evidence(close, attempt)
        .sentence("every close 1001 (1) was followed by a new attempt within 3 s (±0.25 s): the slowest came 0.85 s after close 1001 by proxy (fault restart) at 3.004 s (client 1, link 1)");
    Expect.judge(AFTER_1001, tl.running(5)).passes().isOpen();
  }

  @Test
  void anImmediateFirstRetryPasses() {
    TimelineBuilder tl = closed1001();
    tl.at(3.005).attempt().open();
    Expect.judge(AFTER_1001, tl.over()).passes().says("the slowest came 0.001 s after");
  }

  @Test
  void aLateReconnectFailsAtOnceWithTheMeasuredDelay() {
    TimelineBuilder tl = closed1001();
    long close = tl.seq();
    tl.at(9.210).attempt();
    long attempt = tl.seq();

    Expect.judge(AFTER_1001, tl.running(9.3)).fails().isFinal().evidence(close, attempt)
        .sentence("expected a reconnect within 3 s (±0.25 s) after close 1001 by proxy (fault restart) at 3.004 s (client 1, link 1);"
            + " the next attempt came at 9.21 s (6.206 s)");
  }

  @Test
  void noReconnectFailsOnceTheBoundRanOutWhileTheRunWentOn() {
    TimelineBuilder tl = closed1001();
    long close = tl.seq();
    Expect.judge(AFTER_1001, tl.running(5.0)).undecided().isOpen().evidence(close)
        .says("waiting for a reconnect after close 1001", "due by 6.254 s");
    Expect.judge(AFTER_1001, tl.running(6.3)).fails().isFinal().evidence(close).says("; none came by 6.3 s");
  }

  @Test
  void aClientThatExitsInsteadOfReconnectingFailsCitingItsExit() {
    TimelineBuilder tl = closed1001();
    long close = tl.seq();
    tl.at(4.1).exited(1);
    long exit = tl.seq();
    Expect.judge(AFTER_1001, tl.running(4.2)).fails().isFinal().evidence(close, exit)
        .says("client 1 exited with code 1 at 4.1 s without attempting again");
  }

  @Test
  void withoutTheAnchorItIsUndecidedAndSaysWhatWasMissing() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open().at(3).closeByServer(1000).at(3.5).attempt().open();
    Expect.judge(AFTER_1001, tl.running(10)).undecided().isOpen().evidence().sentence("no close 1001 ever reached the client yet");
    Expect.judge(AFTER_1001, tl.judging(20, true)).undecided().isFinal().sentence("no close 1001 ever reached the client");
  }

  @Test
  void whenTheRunEndsInsideTheBoundItIsUndecidedAndFinal() {
    TimelineBuilder tl = closed1001();
    long close = tl.seq();
    Expect.judge(AFTER_1001, tl.judging(4.2, true)).undecided().isFinal().evidence(close)
        .sentence("the run ended at 4.2 s, 1.196 s after close 1001 by proxy (fault restart) at 3.004 s (client 1, link 1),"
            + " before the 3 s (±0.25 s) bound ran out, and no attempt had come");
  }

  @Test
  void aClientThatCrashesAtStartIsAnEnvironmentError() {
    TimelineBuilder tl = timeline();
    tl.at(0.1).spawned().at(0.4).exited(1);
    long exit = tl.seq();
    Expect.judge(AFTER_1001, tl.judging(20, true)).undecided().isFinal().evidence(exit)
        .says("environment error: client 1 exited with code 1 at 0.4 s before any attempt");
  }

  @Test
  void selectorsPickTheirEndsAndNeverTheClientsOwn() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open().at(2).closeByServer(4001);
    long c4001 = tl.seq();
    tl.at(2.5).attempt().open().at(4).abortByProxy("reset", "cut");
    long abort = tl.seq();
    tl.at(4.5).attempt().rejected(503, "proxy", "fault deploy");
    long rejected = tl.seq();
    tl.at(5.0).attempt().open().at(6).closeByClient(1000);
    tl.at(30).attempt(); // 24 s after the client's own close: never an anchor

    Expect.judge("reconnect: {after: {close: 4000-4999}, within: 1s}", tl.over()).passes().evidence(c4001, c4001 + 1);
    Expect.judge("reconnect: {after: {close: [1001, 4001]}, within: 1s}", tl.over()).passes().evidence(c4001, c4001 + 1);
    Expect.judge("reconnect: {after: abort, within: 1s}", tl.over()).passes().evidence(abort, abort + 1);
    Expect.judge("reconnect: {after: {close: 1006}, within: 1s}", tl.over()).passes().evidence(abort, abort + 1);
    Expect.judge("reconnect: {after: {rejected: 503}, within: 1s}", tl.over()).passes().evidence(rejected, rejected + 1);
    Expect.judge("reconnect: {after: {fault: deploy}, within: 1s}", tl.over()).passes().evidence(rejected, rejected + 1);
    Expect.judge("reconnect: {after: {fault: cut}, within: 1s}", tl.over()).passes().evidence(abort, abort + 1);
    Expect.judge("reconnect: {after: any, within: 1s}", tl.over()).passes().evidence(c4001, c4001 + 1, abort, abort + 1, rejected, rejected + 1);
  }

  @Test
  void anExpectationsOwnToleranceOverridesTheScenarios() {
    TimelineBuilder tl = closed1001();
    tl.at(6.9).attempt();
    Expect.judge(AFTER_1001, tl.over()).fails().says("(±0.25 s)", "(3.896 s)");
    Expect.judge("reconnect: {after: {close: 1001}, within: 3s, tolerance: 1s}", tl.over()).passes().says("within 3 s (±1 s)");
  }

  @Test
  void everyClientIsJudgedOnItsOwnNextAttempt() {
    TimelineBuilder tl = timeline().instances(2);
    tl.client(1).at(1).attempt().open();
    tl.client(2).at(1.1).attempt().open();
    tl.link(1).at(3).closeByProxy(1001, "restart");
    tl.link(2).at(3).closeByProxy(1001, "restart");
    long close2 = tl.seq();
    tl.client(1).at(3.5).attempt().open(); // client 1 is back; client 2 is not
    Expect.judge(AFTER_1001, tl.running(7)).fails().evidence(close2).says("(client 2, link 2); none came by 7 s");
  }

  @Test
  void aCloseHeldBehindDelayedMessagesIsTimedFromItsWriteAndASlowBootShiftsNothing() {
    TimelineBuilder tl = io.wschaos.expect.TimelineBuilder.timeline();
    tl.at(6.0).header(); // the server took 6 s to be ready: scenario time starts here
    tl.at(6.1).attempt().open().at(7.0).fault("slow", "delay", "started");
    tl.at(8.0).closeByServerHeld(1001); // read at 2 s, held by the delay
    String entry = "reconnect: {after: {close: 1001}, within: 1s}";
    Expect.judge(entry, tl.running(9.5)).undecided().isOpen().says("no close 1001 ever reached the client");
    tl.at(10.0).closeWritten().at(10.5).attempt().open(); // written at 4 s, the client is back 0.5 s later
    Expect.judge(entry, tl.judging(12, true)).passes()
        .says("the slowest came 0.5 s after close 1001 by server at 4 s (client 1, link 1)");
    Expect.judge("events: {kind: attempt, within: [4s, 5s], count: 1}", tl.judging(12, true)).passes();
  }
}
