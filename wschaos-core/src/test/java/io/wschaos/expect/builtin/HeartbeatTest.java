package io.wschaos.expect.builtin;

import static io.wschaos.expect.TimelineBuilder.timeline;

import io.wschaos.expect.TimelineBuilder;
import io.wschaos.frame.Direction;
import org.junit.jupiter.api.Test;

class HeartbeatTest {
  private static final String EVERY_15S = "heartbeat: {every: 15s}";

  @Test
  void pingsEveryTenSecondsPassCitingTheLongestGap() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open();
    for (int i = 1; i <= 3; i++) {
      tl.at(1 + 10 * i).ping();
    }
    tl.at(35).closeByServer(1000);
    Expect.judge(EVERY_15S, tl.judging(40, true)).passes().isFinal().evidence(2, 3)
        .sentence("heartbeats (ping frames) came at least every 15 s (±0.85 s) on 1 link: the longest gap was 10 s"
            + " (client 1, link 1, from its open at 1 s to the next at 11 s)");
    Expect.judge("heartbeat: {every: 9s}", tl.judging(40, true)).fails().evidence(2, 3);
  }

  @Test
  void theGapFromTheLastHeartbeatToTheEndCounts() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open().at(11).ping().at(21).ping().at(40).abortByProxy("fin", "idle");
    Expect.judge(EVERY_15S, tl.judging(45, true)).fails().isFinal().evidence(4, 5)
        .sentence("expected heartbeats (ping frames) at least every 15 s (±0.85 s); client 1, link 1 went 19 s without one,"
            + " from the heartbeat at 21 s to its end at 40 s");
  }

  @Test
  void aGapStillRunningFailsAtOnce() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open().at(5).ping();
    Expect.judge(EVERY_15S, tl.running(15)).undecided().isOpen().says("no link stayed open 15 s");
    Expect.judge(EVERY_15S, tl.running(17)).passes().isOpen();
    Expect.judge(EVERY_15S, tl.running(21)).fails().isFinal().evidence(3).says("went 16 s without one, from the heartbeat at 5 s to now (21 s)");
  }

  @Test
  void declaredHeartbeatMessagesCountUnlessKindSaysPing() {
    TimelineBuilder tl = timeline().declare("heartbeat", "server", "{type: ping}", null);
    tl.at(1).attempt().open();
    for (int i = 1; i <= 3; i++) {
      tl.at(1 + 10 * i).toServer("{\"type\":\"ping\",\"id\":" + i + "}");
    }
    tl.at(35).closeByServer(1000);
    Expect.judge(EVERY_15S, tl.judging(40, true)).passes().says("heartbeats (ping frames or heartbeat (");
    Expect.judge("heartbeat: {every: 15s, kind: heartbeat}", tl.judging(40, true)).passes();
    Expect.judge("heartbeat: {every: 15s, kind: {match: {type: ping}}}", tl.judging(40, true)).passes();
    Expect.judge("heartbeat: {every: 15s, kind: ping}", tl.judging(40, true)).fails().says("went 34 s without one");
  }

  @Test
  void aHeartbeatAFaultSwallowedStillCountsAtIngress() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open();
    for (int i = 1; i <= 3; i++) {
      tl.at(1 + 10 * i).ping().touchControl("hole", "blackhole", "swallowed", Direction.TO_SERVER, "ping");
    }
    tl.at(35).abortByProxy("fin", "hole");
    Expect.judge(EVERY_15S, tl.judging(40, true)).passes();
  }

  @Test
  void linksShorterThanTheIntervalAreNotJudged() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open().at(10).closeByServer(1001).at(11).attempt().open().at(20).closeByServer(1001);
    Expect.judge(EVERY_15S, tl.judging(25, true)).undecided().isFinal().evidence()
        .sentence("no link stayed open 15 s, so no heartbeat interval could be judged");
  }
}
