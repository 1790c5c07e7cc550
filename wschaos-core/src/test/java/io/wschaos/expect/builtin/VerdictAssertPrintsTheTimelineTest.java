package io.wschaos.expect.builtin;

import static io.wschaos.expect.TimelineBuilder.timeline;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.expect.TimelineBuilder;
import org.junit.jupiter.api.Test;

/** A failed verdict assertion tells the whole story: the verdict and every event it was judged on. */
class VerdictAssertPrintsTheTimelineTest {
  @Test
  void aFailedVerdictAssertionPrintsTheTimelineItWasJudgedOn() {
    TimelineBuilder tl = timeline();
    tl.at(1.0).attempt().at(1.01).open().at(3.004).closeByProxy(1001, "restart").at(3.5).attempt().open().at(10);
    AssertionError e = assertThrows(AssertionError.class,
        () -> Expect.judge("reconnect: {after: {close: 1001}, within: 3s}", tl.over()).fails());
    String m = e.getMessage();
    assertTrue(m.contains("status of Verdict[status=PASS"), m);
    assertTrue(m.contains("judged on ("), m);
    assertTrue(m.contains("link 1  attempt"), m);
    assertTrue(m.contains("#3 ") && m.contains("close    client leg, by proxy: 1001"), m);
  }
}
