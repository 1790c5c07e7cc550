package io.wschaos.expect.builtin;

import static io.wschaos.expect.TimelineBuilder.timeline;

import io.wschaos.expect.TimelineBuilder;
import org.junit.jupiter.api.Test;

class DetectsDeadLinkTest {
  private static final String WITHIN_10S = "detects_dead_link: {within: 10s}";

  /** Link 1 opens at 1 s; blackhole hole starts on it at 5 s. */
  private static TimelineBuilder blackholed() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open().at(5).fault("hole", "blackhole", "started");
    return tl;
  }

  @Test
  void aClientWhoseHeartbeatTimesOutAndClosesPasses() {
    TimelineBuilder tl = blackholed();
    tl.at(12).closeByClient(4000);
    Expect.judge(WITHIN_10S, tl.judging(20, true)).passes().isFinal().evidence(3, 4)
        .sentence("the client noticed every dead link (1) within 10 s (±0.6 s); the slowest: it closed it 7 s after the blackhole hole"
            + " that started at 5 s on client 1, link 1");
  }

  @Test
  void aNewAttemptCountsAsNoticing() {
    TimelineBuilder tl = blackholed();
    tl.at(9).attempt();
    Expect.judge(WITHIN_10S, tl.judging(20, true)).passes().evidence(3, 4).says("it attempted again 4 s after");
  }

  @Test
  void aClientThatNoticesTooLateOrNeverFails() {
    TimelineBuilder late = blackholed();
    late.at(20).abortByClient("reset");
    Expect.judge(WITHIN_10S, late.running(20)).fails().isFinal().evidence(3, 4)
        .sentence("expected the client to notice a dead link within 10 s (±0.6 s) (close it, drop it, or reconnect); after the blackhole hole"
            + " that started at 5 s on client 1, link 1 it dropped its TCP (reset) only at 20 s (15 s)");
    TimelineBuilder never = blackholed();
    Expect.judge(WITHIN_10S, never.running(8)).undecided().isOpen().evidence(3).says("waiting: 3 s after the blackhole hole");
    Expect.judge(WITHIN_10S, never.running(16)).fails().isFinal().evidence(3).says("it did nothing by 16 s");
  }

  @Test
  void withoutABlackholeItIsUndecided() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open().at(5).fault("slow", "delay", "started");
    Expect.judge(WITHIN_10S, tl.judging(20, true)).undecided().isFinal().evidence().sentence("no blackhole ever started on a link");
    Expect.judge("detects_dead_link: {within: 10s, fault: other}", blackholed().judging(20, true)).undecided()
        .sentence("no blackhole of fault other ever started on a link");
  }
}
