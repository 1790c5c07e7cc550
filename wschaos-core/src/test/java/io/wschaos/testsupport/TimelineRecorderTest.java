package io.wschaos.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.frame.Leg;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TimelineRecorderTest {
  private static final Duration SHORT = Duration.ofMillis(100);

  private static EventBody.Fault fault(String id, String action) {
    return new EventBody.Fault(id, "drop", action, null, null, null);
  }

  @Test
  void takeReturnsWatchedEventsInOrderAndPassesOverOtherKinds() {
    try (Timeline t = new Timeline(Level.PREVIEW)) {
      t.record(1, 1, new EventBody.Open(null));
      t.record(1, 1, fault("f1", "started"));
      t.record(1, 1, fault("f1", "dropped"));
      TimelineRecorder r = TimelineRecorder.watching(t, EventBody.Fault.class);
      assertEquals("started", r.takeFault("f1", "started", SHORT).action());
      assertEquals("dropped", r.take(EventBody.Fault.class, SHORT).action());
      assertEquals(3, r.last().seq());
      r.assertExhausted();
    }
  }

  @Test
  void takeWaitsForAnEventRecordedLater() throws Exception {
    ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    try (Timeline t = new Timeline(Level.PREVIEW)) {
      TimelineRecorder r = TimelineRecorder.watching(t, EventBody.Fault.class);
      later.schedule(() -> t.record(1, 1, fault("f1", "started")), 100, TimeUnit.MILLISECONDS);
      r.awaitStarted("f1", Duration.ofSeconds(5));
    } finally {
      later.shutdownNow();
    }
  }

  @Test
  void aWrongNextEventFailsWithTheWholeTimelineAndAMarkOnTheOffender() {
    try (Timeline t = new Timeline(Level.PREVIEW)) {
      t.record(1, 1, fault("f1", "started"));
      t.record(1, 1, new EventBody.Close(Leg.CLIENT, "proxy", 4001, "bye", "f1"));
      t.record(1, 1, fault("f1", "dropped"));
      TimelineRecorder r = TimelineRecorder.watching(t, EventBody.Fault.class, EventBody.Close.class);
      r.takeFault("f1", "started", SHORT);
      AssertionError e = assertThrows(AssertionError.class, () -> r.takeFault("f1", "dropped", SHORT));
      String[] lines = e.getMessage().split("\n");
      assertEquals("expected Fault (f1 dropped) next, found #2 close", lines[0]);
      assertTrue(lines[1].startsWith("timeline (3 events; watching Close/Fault)"), lines[1]);
      assertTrue(lines[2].startsWith("  #1 ") && lines[2].contains("f1 (drop) started"), lines[2]);
      assertTrue(lines[3].startsWith("> #2 ") && lines[3].contains("client leg, by proxy: 4001 bye"), lines[3]);
      assertTrue(lines[4].startsWith("  #3 "), lines[4]);
      // skipTo passes over the close
      r.skipTo(EventBody.Fault.class, f -> f.action().equals("dropped"), "f1 dropped", SHORT);
      r.assertExhausted();
    }
  }

  @Test
  void nothingWithinTheTimeAndALeftoverEventBothFail() {
    try (Timeline t = new Timeline(Level.PREVIEW)) {
      t.record(1, 1, fault("f1", "started"));
      TimelineRecorder r = TimelineRecorder.watching(t, EventBody.Fault.class);
      AssertionError leftover = assertThrows(AssertionError.class, r::assertExhausted);
      assertTrue(leftover.getMessage().startsWith("expected no more Fault events, found #1 fault"), leftover.getMessage());
      r.takeFault("f1", "started", SHORT);
      AssertionError none = assertThrows(AssertionError.class, () -> r.takeFault("f1", "stopped", SHORT));
      assertTrue(none.getMessage().startsWith("no Fault (f1 stopped) within 100 ms"), none.getMessage());
      assertTrue(none.getMessage().endsWith("> (end)\n"), none.getMessage());
      assertThrows(IllegalArgumentException.class, () -> r.take(EventBody.Close.class, SHORT), "only watched kinds");
    }
  }
}
