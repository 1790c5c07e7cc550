package io.wschaos.expect.builtin;

import static io.wschaos.expect.TimelineBuilder.timeline;

import io.wschaos.expect.TimelineBuilder;
import org.junit.jupiter.api.Test;

class BackoffResetTest {
  private static final String RESET = "backoff_reset: {stable: 10s, within: 1s}";

  /** A first outage grows the backoff to 4 s; link 5 then stays open from 10.5 s to 25 s, when it is aborted. */
  private static TimelineBuilder grownThenStable() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open().at(3).abortByProxy("reset", "down");
    tl.at(3.5).resetAttempt("down").at(4.5).resetAttempt("down").at(6.5).resetAttempt("down");
    tl.at(10.5).attempt().open();
    tl.at(25).abortByProxy("reset", "cut");
    return tl;
  }

  @Test
  void aClientThatResetsItsBackoffAfterAStableLinkPasses() {
    TimelineBuilder tl = grownThenStable();
    long end = tl.seq();
    tl.at(25.3).attempt().open();
    long next = tl.seq() - 1;
    // evidence: the 4 s wait (end of attempt 4 at 6.5 s, attempt 5 at 10.5 s), the stable link's open and end, the next attempt
    Expect.judge(RESET, tl.judging(30, true)).passes().isFinal().evidence(9, 10, 11, end, next)
        .sentence("the next attempt came 0.3 s after client 1, link 5 stayed open 14.5 s (≥ 10 s) and ended with abort (reset) by proxy (fault cut)"
            + " at 25 s, having waited 4 s between failed attempts before, within 1 s (±0.15 s)");
  }

  @Test
  void aClientThatKeepsItsGrownBackoffFails() {
    TimelineBuilder tl = grownThenStable();
    long end = tl.seq();
    tl.at(33).attempt();
    Expect.judge(RESET, tl.running(33.1)).fails().isFinal().evidence(9, 10, 11, end, tl.seq()).says("; the next attempt came 8 s later");
    TimelineBuilder silent = grownThenStable();
    Expect.judge(RESET, silent.running(27)).fails().says("; none came by 27 s");
    Expect.judge(RESET, silent.running(25.5)).undecided().isOpen().says("waiting for a reconnect after client 1, link 5", "due by 26.15 s");
  }

  @Test
  void withoutProofThatTheBackoffHadGrownItIsUndecided() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open().at(3).abortByProxy("reset", "down");
    tl.at(3.2).resetAttempt("down").at(3.7).attempt().open(); // waited only 0.5 s
    tl.at(20).closeByServer(1001).at(20.2).attempt().open();
    // evidence: the 0.5 s wait (end of attempt 2, attempt 3), link 3's open and its end
    Expect.judge(RESET, tl.judging(30, true)).undecided().isFinal().evidence(5, 6, 7, 8)
        .sentence("client 1's link 3 stayed open 16.3 s and ended, but client 1 had never waited longer than 1 s (±0.15 s) between failed attempts"
            + " before it (longest 0.5 s), so nothing shows its backoff had grown");
  }

  @Test
  void withoutAStableLinkItIsUndecided() {
    TimelineBuilder tl = grownThenStable();
    Expect.judge("backoff_reset: {stable: 30s, within: 1s}", tl.judging(30, true)).undecided().isFinal().evidence()
        .sentence("no link stayed open 30 s and then ended (other than by the client)");
  }
}
