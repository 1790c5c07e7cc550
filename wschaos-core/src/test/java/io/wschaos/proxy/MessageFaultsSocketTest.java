package io.wschaos.proxy;

import static io.wschaos.proxy.Waits.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.WebSocket;
import io.wschaos.testsupport.TimelineRecorder;
import io.wschaos.timeline.EventBody;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * duplicate, reorder, corrupt, inject, fragment, throttle and stall through the real proxy: a
 * Vert.x client sends to the echo upstream, and the fault acts on the way back ({@code to: client}).
 */
@Timeout(20)
class MessageFaultsSocketTest {
  /** Collects text messages until {@code n} have arrived. */
  private static final class Inbox {
    final List<String> got = new CopyOnWriteArrayList<>();
    final List<Long> at = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> full = new CompletableFuture<>();

    Inbox(WebSocket ws, int n) {
      ws.textMessageHandler(t -> {
        at.add(System.nanoTime());
        got.add(t);
        if (got.size() == n) {
          full.complete(null);
        }
      });
    }

    List<String> await() throws Exception {
      full.get(10, TimeUnit.SECONDS);
      return got;
    }
  }

  private static List<String> numbers(int n) {
    return IntStream.range(0, n).mapToObj(Integer::toString).toList();
  }

  @Test
  void duplicateFollowsEachMessageWithExactlyCountCopies() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      WebSocket ws = rig.connect("/");
      TimelineRecorder faults = rig.recorder(EventBody.Fault.class);
      rig.addStarted("duplicate: {to: client, count: 2}");
      Inbox in = new Inbox(ws, 6);
      ws.writeTextMessage("a");
      ws.writeTextMessage("b");
      assertEquals(List.of("a", "a", "a", "b", "b", "b"), in.await());
      faults.takeFault("f1", "started", WAIT);
      faults.takeFault("f1", "duplicated", WAIT);
      faults.takeFault("f1", "duplicated", WAIT);
      Thread.sleep(150);
      assertEquals(6, in.got.size(), "no more than count copies");
      faults.assertExhausted();
    }
  }

  @Test
  void reorderDeliversEveryWindowAsAPermutationWithNothingLost() throws Exception {
    try (FaultRig rig = new FaultRig(42)) {
      WebSocket ws = rig.connect("/");
      rig.addStarted("reorder: {to: client, window: 4}");
      Inbox in = new Inbox(ws, 12);
      numbers(12).forEach(ws::writeTextMessage);
      List<String> got = in.await();
      for (int w = 0; w < 3; w++) {
        assertEquals(new HashSet<>(numbers(12).subList(4 * w, 4 * w + 4)), new HashSet<>(got.subList(4 * w, 4 * w + 4)), "window " + w + " of " + got);
      }
      assertNotEquals(numbers(12), got, "out of order");
      TimelineRecorder faults = rig.recorder(EventBody.Fault.class);
      faults.takeFault("f1", "started", WAIT);
      for (int i = 0; i < 12; i++) {
        faults.takeFault("f1", "reordered", WAIT);
      }
      faults.assertExhausted();
    }
  }

  @Test
  void reorderReleasesAnUnfilledWindowAfterMaxHold() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      WebSocket ws = rig.connect("/");
      rig.addStarted("reorder: {to: client, window: 10, order: reversed, max_hold: 300ms}");
      Inbox in = new Inbox(ws, 3);
      long t0 = System.nanoTime();
      numbers(3).forEach(ws::writeTextMessage);
      assertEquals(List.of("2", "1", "0"), in.await());
      long ms = (in.at.get(0) - t0) / 1_000_000;
      assertTrue(ms >= 250 && ms < 1500, "released after " + ms + " ms; max_hold is 300 ms (generous upper bound for a busy machine)");
    }
  }

  @Test
  void corruptMalformedJsonArrivesAsTextThatFailsToParse() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      WebSocket ws = rig.connect("/");
      rig.addStarted("corrupt: {to: client, mode: malformed_json}");
      Inbox in = new Inbox(ws, 2);
      ws.writeTextMessage("{\"seq\":1}");
      ws.writeTextMessage("{\"seq\":2}");
      List<String> got = in.await();
      assertThrows(JsonProcessingException.class, () -> new ObjectMapper().readTree(got.get(0)), got.get(0));
      assertEquals("{\"seq\":2}", got.get(1), "count 1: only the next message");
      TimelineRecorder faults = rig.recorder(EventBody.Fault.class);
      faults.takeFault("f1", "started", WAIT);
      faults.takeFault("f1", "corrupted", WAIT);
      faults.assertExhausted();
    }
  }

  @Test
  void injectDeliversAMessageNobodySent() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      WebSocket ws = rig.connect("/");
      Inbox in = new Inbox(ws, 2);
      TimelineRecorder faults = rig.recorder(EventBody.Fault.class);
      rig.add("inject: {to: client, text: surprise}");
      faults.skipTo(EventBody.Fault.class, f -> f.fault().equals("f1") && f.action().equals("injected"), "f1 injected", WAIT);
      rig.add("inject: {to: server, json: {type: ack, seq: 7}}"); // the upstream echoes it back
      faults.skipTo(EventBody.Fault.class, f -> f.fault().equals("f2") && f.action().equals("injected"), "f2 injected", WAIT);
      assertEquals(List.of("surprise", "{\"type\":\"ack\",\"seq\":7}"), in.await(), "in the order they were injected");
    }
  }

  @Test
  void fragmentSplitsAMessageIntoFramesWithFinOnlyOnTheLast() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      WebSocket ws = rig.connect("/");
      rig.addStarted("fragment: {to: client, frames: 3}");
      List<String> frames = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> done = new CompletableFuture<>();
      ws.frameHandler(f -> {
        frames.add(f.type() + (f.isFinal() ? "+fin" : "") + ":" + f.binaryData().toString());
        if (f.isFinal()) {
          done.complete(null);
        }
      });
      ws.writeTextMessage("abcdefgh");
      done.get(5, TimeUnit.SECONDS);
      assertEquals(List.of("TEXT:abc", "CONTINUATION:def", "CONTINUATION+fin:gh"), frames);
    }
  }

  @Test
  void throttleKeepsTheReceiversRateWithinTwentyPercent() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      WebSocket ws = rig.connect("/");
      rig.addStarted("throttle: {to: client, bytes_per_second: 20000}");
      int n = 60;
      Inbox in = new Inbox(ws, n);
      String kb = "k".repeat(1000);
      for (int i = 0; i < n; i++) {
        ws.writeTextMessage(kb); // offered at once: 60 KB, 3 s at the rate
      }
      in.await();
      double seconds = (in.at.get(n - 1) - in.at.get(0)) / 1e9;
      double rate = (n - 1) * 1000 / seconds;
      assertTrue(Math.abs(rate - 20_000) <= 4_000, "the client received " + Math.round(rate) + " B/s over " + seconds + " s; the throttle is 20000 B/s ± 20 %");
    }
  }

  @Test
  void stallHoldsEverythingAndReleasesItInOrderWithTheCloseLastWhenItEnds() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      WebSocket ws = rig.connect("/");
      CompletableFuture<Short> closed = new CompletableFuture<>();
      ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
      long t0 = System.nanoTime();
      rig.addStarted("{for: 600ms, stall: {to: client}}");
      Inbox in = new Inbox(ws, 5);
      numbers(5).forEach(ws::writeTextMessage);
      ws.writeTextMessage("close 4000 bye"); // the upstream's close is held behind the echoes
      assertEquals(numbers(5), in.await());
      long ms = (in.at.get(0) - t0) / 1_000_000;
      assertTrue(ms >= 550, "the first message arrived " + ms + " ms after the stall began (it lasts 600 ms)");
      assertEquals((short) 4000, closed.get(5, TimeUnit.SECONDS), "the close came through, after the messages");
      TimelineRecorder faults = rig.recorder(EventBody.Fault.class);
      faults.takeFault("f1", "started", WAIT);
      for (int i = 0; i < 6; i++) { // 5 messages and a close
        faults.takeFault("f1", "stalled", WAIT);
      }
      faults.skipTo(EventBody.Fault.class, f -> f.action().equals("stopped"), "f1 stopped", WAIT);
    }
  }
}
