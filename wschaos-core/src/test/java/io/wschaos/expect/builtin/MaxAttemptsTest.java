package io.wschaos.expect.builtin;

import static io.wschaos.expect.TimelineBuilder.timeline;

import io.wschaos.expect.TimelineBuilder;
import org.junit.jupiter.api.Test;

class MaxAttemptsTest {
  private static final String FIVE_PER_10S = "max_attempts: {count: 5, per: 10s}";

  @Test
  void aHotLoopIsAStormAndFailsCitingTheAttemptsInTheWindow() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open().at(2).abortByProxy("reset", "down");
    long[] storm = new long[6];
    for (int i = 0; i < 8; i++) {
      tl.at(2.1 + 0.1 * i).resetAttempt("down");
      if (i < 5) {
        storm[i + 1] = tl.seq() - 1;
      }
    }
    storm[0] = 1;
    Expect.judge(FIVE_PER_10S, tl.running(3)).fails().isFinal().evidence(storm)
        .sentence("expected at most 5 attempts in any 10 s window (client 1); 6 came between 1 s and 2.5 s (1.5 s)");
  }

  @Test
  void aClientThatBacksOffPassesWhenTheRunIsOver() {
    TimelineBuilder tl = timeline();
    for (double t : new double[] {1, 3, 7, 15, 31}) {
      tl.at(t).resetAttempt("down");
    }
    Expect.judge(FIVE_PER_10S, tl.running(32)).passes().isOpen();
    Expect.judge(FIVE_PER_10S, tl.judging(40, true)).passes().isFinal().evidence(1, 3, 5, 7, 9)
        .sentence("client 1 made 5 attempts, at most 3 in any 10 s window (from 1 s); the limit is 5");
  }

  @Test
  void toleranceNeverShortensTheWindow() {
    TimelineBuilder tl = timeline();
    for (int i = 0; i < 6; i++) {
      tl.at(1 + i * 1.9).resetAttempt("down"); // 6 attempts over 9.5 s: the old rule (10 s − 0.6 s) let it pass
    }
    Expect.judge(FIVE_PER_10S, tl.judging(20, true)).fails().says("6 came between 1 s and 10.5 s (9.5 s)");

    TimelineBuilder spaced = timeline();
    for (int i = 0; i < 6; i++) {
      spaced.at(1 + i * 2.01).resetAttempt("down"); // 10.05 s from first to sixth: no 10 s window holds 6
    }
    Expect.judge(FIVE_PER_10S, spaced.judging(20, true)).passes();
  }

  @Test
  void withoutPerTheWholeRunCountsAndClientAnyCountsEveryoneTogether() {
    TimelineBuilder tl = timeline().instances(2);
    for (int i = 0; i < 3; i++) {
      tl.client(1).at(1 + i).resetAttempt("down");
      tl.client(2).at(1.5 + i).resetAttempt("down");
    }
    Expect.judge("max_attempts: {count: 3}", tl.judging(10, true)).passes().says("the limit is 3 in the whole run");
    Expect.judge("max_attempts: {count: 2}", tl.judging(10, true)).fails()
        .sentence("expected at most 2 attempts in the whole run (client 1); 3 came between 1 s and 3 s");
    Expect.judge("max_attempts: {count: 5, client: any}", tl.judging(10, true)).fails().says("(all clients together); 6 came");
    Expect.judge("max_attempts: {count: 5, client: 2}", tl.judging(10, true)).passes().says("client 2 made 3 attempts");
  }

  @Test
  void withoutAnyAttemptItIsUndecidedOrAnEnvironmentError() {
    Expect.judge(FIVE_PER_10S, timeline().judging(10, false)).undecided().isOpen().sentence("no attempt was seen yet");
    TimelineBuilder crashed = timeline();
    crashed.at(0.1).spawned().at(0.2).exited(2);
    Expect.judge(FIVE_PER_10S, crashed.judging(10, true)).undecided().isFinal().evidence(2).says("environment error");
  }
}
