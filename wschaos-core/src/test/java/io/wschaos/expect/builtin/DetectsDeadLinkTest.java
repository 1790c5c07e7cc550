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

  @Test
  void theProxysOwnAbortIsNotTheClientNoticingAReconnectAfterItDoesNotCount() {
    TimelineBuilder tl = blackholed();
    tl.at(11).abortByProxy("fin", "hole").at(11.3).attempt().open(); // then: abort after 6 s; a client with no heartbeat merely reconnects
    Expect.judge(WITHIN_10S, tl.judging(20, true)).fails().isFinal().cites(3)
        .says("the proxy itself ended the link first (abort (fin) by proxy (fault hole) at 11 s, 6 s later), and the client had not noticed by then");

    TimelineBuilder idle = blackholed();
    idle.at(9).closeByProxy(1001, "proxy.idle_timeout").at(9.1).closeByClient(1001);
    Expect.judge(WITHIN_10S, idle.judging(20, true)).fails().says("close 1001 by proxy (fault proxy.idle_timeout) at 9 s");

    TimelineBuilder first = blackholed();
    first.at(8).closeByClient(4000).at(11).abortByProxy("fin", "hole");
    Expect.judge(WITHIN_10S, first.judging(20, true)).passes().says("it closed it 3 s after");
  }
}
