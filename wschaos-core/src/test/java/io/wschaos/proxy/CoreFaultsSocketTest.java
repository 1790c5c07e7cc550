package io.wschaos.proxy;

import static io.wschaos.proxy.Waits.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.WebSocket;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Leg;
import io.wschaos.testsupport.TimelineRecorder;
import io.wschaos.timeline.EventBody;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** delay, drop and close through the real proxy, with a Vert.x client and upstream. */
class CoreFaultsSocketTest {
  @Test
  void delayAddsItsLatencyToEveryMessageAndKeepsOrder() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      rig.add("delay: {to: client, by: 100ms}");
      WebSocket ws = rig.connect("/");
      List<Long> late = new CopyOnWriteArrayList<>();
      List<String> got = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> all = new CompletableFuture<>();
      long[] sentAt = new long[20];
      ws.textMessageHandler(t -> {
        int i = Integer.parseInt(t);
        late.add((System.nanoTime() - sentAt[i]) / 1_000_000);
        got.add(t);
        if (got.size() == 20) {
          all.complete(null);
        }
      });
      for (int i = 0; i < 20; i++) {
        sentAt[i] = System.nanoTime();
        ws.writeTextMessage(Integer.toString(i));
        Thread.sleep(5);
      }
      all.get(10, TimeUnit.SECONDS);
      assertEquals(java.util.stream.IntStream.range(0, 20).mapToObj(Integer::toString).toList(), got, "order kept");
      for (long ms : late) {
        assertTrue(ms >= 100 && ms < 100 + 250, "a round trip took " + ms + " ms; the delay is 100 ms one way (generous upper bound for a busy machine)");
      }
      // Each delayed message has an egress event at least 100 ms after its ingress.
      var events = rig.timeline.events();
      var egress = events.stream().filter(e -> e.body() instanceof EventBody.Egress).toList();
      assertEquals(20, egress.size(), "one egress per delayed message");
      for (var out : egress) {
        long id = ((EventBody.Egress) out.body()).id();
        var in = events.stream()
            .filter(e -> e.body() instanceof EventBody.Message m && m.to() == io.wschaos.frame.Direction.TO_CLIENT && m.id() == id)
            .findFirst().orElseThrow();
        assertTrue(out.t() - in.t() >= 100_000, "message " + id + " left " + (out.t() - in.t()) + " µs after it came");
      }
    }
  }

  @Test
  void aServerCloseHeldBehindDelayedMessagesIsRecordedWhenReadAndWhenWrittenToTheClient() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      WebSocket ws = rig.connect("/");
      rig.addStarted("delay: {to: client, by: 300ms}");
      CompletableFuture<Short> closed = new CompletableFuture<>();
      ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
      ws.writeTextMessage("hello"); // its echo is held 300 ms; the close follows it
      ws.writeTextMessage("close 1001 bye");
      assertEquals((short) 1001, closed.get(10, TimeUnit.SECONDS));
      TimelineRecorder rec = rig.recorder(EventBody.Close.class, EventBody.Egress.class);
      var read = rec.skipTo(EventBody.Close.class, c -> c.leg() == Leg.SERVER, "the server's close, read", WAIT);
      var written = rec.skipTo(EventBody.Egress.class, o -> o.id() == 0 && o.to() == Direction.TO_CLIENT, "the close, written to the client", WAIT);
      if (written.t() - read.t() < 150_000) {
        throw rec.failure("written " + (written.t() - read.t()) + " µs after it was read: it should wait behind the delayed echo");
      }
    }
  }

  @Test
  void dropFirstThreeLosesExactlyThoseAndRecordsEach() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      WebSocket ws = rig.connect("/");
      TimelineRecorder faults = rig.recorder(EventBody.Fault.class);
      rig.addStarted("drop: {to: server, first: 3}");
      List<String> got = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> done = new CompletableFuture<>();
      ws.textMessageHandler(t -> {
        got.add(t);
        if (t.equals("9")) {
          done.complete(null);
        }
      });
      for (int i = 0; i < 10; i++) {
        ws.writeTextMessage(Integer.toString(i));
      }
      done.get(10, TimeUnit.SECONDS);
      assertEquals(List.of("3", "4", "5", "6", "7", "8", "9"), got);
      faults.takeFault("f1", "started", WAIT);
      for (int i = 0; i < 3; i++) {
        faults.takeFault("f1", "dropped", WAIT);
      }
      faults.assertExhausted();
    }
  }

  @Test
  void closeSendsTheCodeAndReasonToTheClientAndGoingAwayToTheServer() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      WebSocket ws = rig.connect("/");
      CompletableFuture<String> closed = new CompletableFuture<>();
      ws.closeHandler(v -> closed.complete(ws.closeStatusCode() + " " + ws.closeReason()));
      TimelineRecorder closes = rig.recorder(EventBody.Close.class);
      rig.add("close: {code: 4001, reason: token expired}");
      assertEquals("4001 token expired", closed.get(5, TimeUnit.SECONDS));
      closes.skipTo(EventBody.Close.class, c -> c.by().equals("proxy") && c.code() == 4001 && "f1".equals(c.fault()),
          "the proxy's 4001 to the client, by fault f1", WAIT);
      Waits.until(() -> !rig.upstream.closes.isEmpty(), Duration.ofSeconds(3), () -> "the server hears a close");
      assertEquals(List.of("1001 closed by wschaos fault f1"), rig.upstream.closes);
    }
  }

  @Test
  void anOpenTriggerWithAfterClosesEachNewLinkThatLongAfterItOpens() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      rig.add("{on: {open: 1}, after: 200ms, close: {code: 1001, reason: server restart}}");
      long t0 = System.nanoTime();
      WebSocket ws = rig.connect("/");
      CompletableFuture<Short> closed = new CompletableFuture<>();
      ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
      assertEquals((short) 1001, closed.get(5, TimeUnit.SECONDS));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertTrue(ms >= 200, "closed after " + ms + " ms");
      WebSocket second = rig.connect("/");
      Thread.sleep(400);
      assertTrue(!second.isClosed(), "on: {open: 1} fires on the first open only");
    }
  }
}
