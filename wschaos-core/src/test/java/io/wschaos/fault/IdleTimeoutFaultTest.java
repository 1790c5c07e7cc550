package io.wschaos.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class IdleTimeoutFaultTest {
  private final StageHarness h = new StageHarness("idle_timeout");
  private final CountingLink link = new CountingLink(h.clock);

  /** A fake link that also counts how often the fault asked for its idle time. */
  private static final class CountingLink implements LinkPort {
    final FakeLink inner;
    int idleQueries;

    CountingLink(VirtualClock clock) {
      inner = new FakeLink(clock);
    }

    public int id() {
      return 1;
    }

    public int client() {
      return 0;
    }

    public boolean isOpen() {
      return inner.isOpen();
    }

    public void close(io.wschaos.frame.Leg leg, int code, String reason, String faultId) {
      inner.close(leg, code, reason, faultId);
    }

    public void abort(io.wschaos.frame.Leg leg, boolean reset, String faultId) {
      inner.abort(leg, reset, faultId);
    }

    public void inject(io.wschaos.frame.Direction direction, Unit unit) {
      inner.inject(direction, unit);
    }

    public long idleNanos(boolean dataOnly) {
      idleQueries++;
      return inner.idleNanos(dataOnly);
    }
  }

  private Fault start(String yaml) {
    Fault f = YamlFaults.fault(yaml);
    f.start(link, h);
    return f;
  }

  @Test
  void aLinkWithoutFramesIsCutOnceItWasIdleThatLongWithAFinOnBothLegs() {
    start("idle_timeout: {idle: 1s}");
    h.clock.advanceMillis(999);
    assertEquals(List.of(), link.inner.calls, "not idle long enough yet");
    h.clock.advanceMillis(1);
    assertEquals(List.of("abort client fin f1", "abort server fin f1"), link.inner.calls);
    assertEquals(List.of("idle_cut"), h.actions());
    assertEquals("no frames for 1000 ms; abort fin", h.recorded.get(0).detail());
    assertEquals(0, h.clock.pending(), "nothing left armed after the cut");
  }

  @Test
  void aLinkWithTrafficIsNeverCutAndTheTimerIsOnlyReArmedWhenItWouldHaveExpired() {
    start("idle_timeout: {idle: 1s}");
    for (int i = 0; i < 100; i++) {
      h.clock.advanceMillis(400);
      link.inner.dataMessage();
      assertTrue(h.clock.pending() <= 1, "one timer per link");
    }
    assertEquals(List.of(), link.inner.calls, "40 s with a message every 400 ms: never idle for 1 s");
    // Each look re-arms for the moment the link would be idle: last message + 1 s, every 800 ms here.
    assertTrue(link.idleQueries <= 52, "one look at the link per deadline, not polling: " + link.idleQueries);
    h.clock.advanceMillis(1000);
    assertEquals(List.of("abort client fin f1", "abort server fin f1"), link.inner.calls, "cut 1 s after the last message");
  }

  @Test
  void countsAllLetsPingsKeepTheLinkAliveButCountsDataDoesNot() {
    start("idle_timeout: {idle: 500ms}");
    for (int i = 0; i < 20; i++) {
      h.clock.advanceMillis(100);
      link.inner.controlFrame();
    }
    assertEquals(List.of(), link.inner.calls, "pings count as traffic by default");

    StageHarness other = new StageHarness("idle_timeout");
    CountingLink dataOnly = new CountingLink(other.clock);
    YamlFaults.fault("idle_timeout: {idle: 500ms, counts: data}").start(dataOnly, other);
    for (int i = 0; i < 20; i++) {
      other.clock.advanceMillis(100);
      dataOnly.inner.controlFrame();
    }
    assertEquals(List.of("abort client fin f1", "abort server fin f1"), dataOnly.inner.calls, "with counts: data, pings alone do not keep it open");
    assertEquals("no data messages for 500 ms; abort fin", other.recorded.get(0).detail());
  }

  @Test
  void closeWithSendsTheCodeToTheClientAndGoingAwayToTheServer() {
    start("idle_timeout: {idle: 200ms, close_with: close 4408}");
    h.clock.advanceMillis(200);
    assertEquals(List.of("close client 4408 idle timeout f1", "close server 1001 closed by wschaos fault f1 f1"), link.inner.calls);
  }

  @Test
  void abortResetResetsBothLegs() {
    start("idle_timeout: {idle: 200ms, close_with: abort reset}");
    h.clock.advanceMillis(200);
    assertEquals(List.of("abort client reset f1", "abort server reset f1"), link.inner.calls);
  }

  @Test
  void stopCancelsTheTimer() {
    Fault f = start("idle_timeout: {idle: 1s}");
    h.clock.advanceMillis(500);
    f.stop(link, h);
    assertEquals(0, h.clock.pending(), "stop leaves nothing armed");
    h.clock.advanceMillis(5000);
    assertEquals(List.of(), link.inner.calls);
  }

  @Test
  void aLinkThatWasIdleBeforeTheFaultStartedGetsAFullIdleFromTheStart() {
    h.clock.advanceMillis(10_000); // the link has been quiet for 10 s already
    start("idle_timeout: {idle: 1s}");
    assertEquals(List.of(), link.inner.calls, "no cut at once");
    h.clock.advanceMillis(1000);
    assertEquals(List.of("abort client fin f1", "abort server fin f1"), link.inner.calls);
  }

  @Test
  void aLinkThatEndedOnItsOwnIsLeftAlone() {
    start("idle_timeout: {idle: 1s}");
    link.inner.open = false;
    h.clock.advanceMillis(2000);
    assertEquals(List.of(), link.inner.calls);
    assertEquals(0, h.clock.pending());
  }

  @Test
  void paramsSayWhatIsAllowed() {
    assertEquals("faults[0].idle_timeout.idle: idle_timeout needs idle, e.g. 60s", YamlFaults.problems("idle_timeout: {}"));
    assertEquals("faults[0].idle_timeout.idle: idle must be longer than 0", YamlFaults.problems("idle_timeout: {idle: 0s}"));
    assertEquals("faults[0].idle_timeout.counts: 'pings' is not allowed here (one of all, data)", YamlFaults.problems("idle_timeout: {idle: 1s, counts: pings}"));
    assertEquals(
        "faults[0].idle_timeout.close_with: 'resume' is not allowed here (abort, abort fin, abort reset, close CODE)",
        YamlFaults.problems("idle_timeout: {idle: 1s, close_with: resume}"));
  }
}
