package io.wschaos.proxy;

import static io.wschaos.proxy.Waits.WAIT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.internal.http.WebSocketInternal;
import io.wschaos.fault.FaultEntryParser;
import io.wschaos.fault.FaultSpec;
import io.wschaos.fault.builtin.BuiltinFaults;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Leg;
import io.wschaos.testsupport.NodeProcess;
import io.wschaos.testsupport.WsFixtures;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import io.wschaos.testsupport.TimelineRecorder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * abort, blackhole, idle_timeout, reject_handshake, slow_handshake, server_down and restart_server
 * through the real proxy. Raw sockets tell RST from FIN and see ECONNREFUSED; the Vert.x and Node
 * {@code ws} clients show what a WebSocket client reports.
 */
@Timeout(10)
class LinkFaultsSocketTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final FaultEntryParser PARSER = new FaultEntryParser(BuiltinFaults.catalog());

  // ---- abort ----

  @Test
  void abortResetsBothLegsByDefaultSoTheClientSeesAResetAndTheServer1006() throws Exception {
    try (FaultRig rig = new FaultRig(); RawWs raw = RawWs.open(rig.proxy.port())) {
      assertEquals("HTTP/1.1 101 Switching Protocols", raw.status);
      awaitLinks(rig.proxy, 1);
      rig.add("abort: {}");
      assertEquals("reset", raw.awaitEnd(Duration.ofSeconds(3)), "an RST, not a FIN");
      eventually(() -> rig.upstream.closes.size() == 1, "the server leg goes too");
      assertTrue(rig.upstream.closes.get(0).startsWith("1006"), "the server saw no close frame: " + rig.upstream.closes);
      List<EventBody.Abort> aborts = bodies(rig, EventBody.Abort.class);
      assertTrue(aborts.stream().anyMatch(a -> a.leg() == Leg.CLIENT && a.by().equals("proxy") && a.mode().equals("reset") && "f1".equals(a.fault())), aborts.toString());
      assertTrue(aborts.stream().anyMatch(a -> a.leg() == Leg.SERVER && a.by().equals("proxy") && a.mode().equals("reset") && "f1".equals(a.fault())), aborts.toString());
    }
  }

  @Test
  void abortFinToTheClientIsAFinAndTheServerGetsGoingAway() throws Exception {
    try (FaultRig rig = new FaultRig(); RawWs raw = RawWs.open(rig.proxy.port())) {
      awaitLinks(rig.proxy, 1);
      rig.add("abort: {mode: fin, to: client}");
      assertEquals("fin", raw.awaitEnd(Duration.ofSeconds(3)), "a FIN, not an RST");
      eventually(() -> rig.upstream.closes.size() == 1, "the server leg is closed");
      assertEquals(List.of("1001 closed by wschaos fault f1"), rig.upstream.closes);
    }
  }

  @Tag("node")
  @Test
  void aNodeWsClientSees1006WhenItsConnectionIsAborted() throws Exception {
    try (FaultRig rig = new FaultRig();
        NodeProcess client = WsFixtures.startClient("ws://127.0.0.1:" + rig.proxy.port() + "/", List.of(WsFixtures.pause(5000)))) {
      client.awaitEvent("open", Duration.ofSeconds(5));
      awaitLinks(rig.proxy, 1);
      rig.add("abort: {mode: fin}");
      JsonNode close = client.awaitEvent("close", Duration.ofSeconds(3));
      assertEquals(1006, close.get("code").asInt(), client.describe());
    }
  }

  // ---- blackhole ----

  @Test
  void blackholeSwallowsBothWaysWhileTheServerKeepsSendingThenAbortsWithAFin() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      TickUpstream up = TickUpstream.start(rig.vertx).await();
      ProxyServer proxy = proxyTo(rig, up);
      WebSocket ws = connect(rig, proxy);
      List<String> got = new CopyOnWriteArrayList<>();
      List<String> pongs = new CopyOnWriteArrayList<>();
      CompletableFuture<Short> closed = new CompletableFuture<>();
      ws.textMessageHandler(got::add);
      ws.pongHandler(b -> pongs.add(b.toString()));
      ws.closeHandler(v -> closed.complete(ws.closeStatusCode()));
      ws.writeTextMessage("tick 20");
      eventually(() -> got.size() >= 3, "ticks flow before the blackhole");

      long t0 = System.nanoTime();
      TimelineRecorder faults = TimelineRecorder.watching(rig.timeline, EventBody.Fault.class);
      add(proxy, "{for: 2s, blackhole: {}}"); // 2 s: room for the checks below on a loaded machine
      faults.awaitStarted("f1", WAIT);
      faults.skipTo(EventBody.Fault.class, f -> f.action().equals("swallowed") && f.to() == Direction.TO_CLIENT, "a tick swallowed", WAIT);
      Thread.sleep(50); // ticks the proxy wrote before that one reach the client
      int before = got.size();
      ws.writePing(Buffer.buffer("hb"));
      ws.writeTextMessage("are you there");
      faults.skipTo(EventBody.Fault.class, f -> f.to() == Direction.TO_SERVER && f.message() != null, "the client's message swallowed", WAIT);
      ws.close((short) 1000, "bye");
      faults.skipTo(EventBody.Fault.class, f -> f.to() == Direction.TO_SERVER && "close".equals(f.detail()), "the client's close swallowed", WAIT);
      Thread.sleep(200); // had anything come through, it would have arrived by now
      assertTrue(millisSince(t0) < 2000, "still inside the window: the checks below are about it");
      assertEquals(before, got.size(), "nothing reaches the client: " + got.subList(before, got.size()));
      assertEquals(List.of(), pongs, "its ping goes unanswered");
      assertFalse(closed.isDone(), "no close, no abort while the blackhole lasts");
      assertFalse(up.received.contains("are you there") || up.received.contains("ping"), "nothing reaches the server: " + up.received);
      assertEquals(List.of(), up.closes, "not even the client's close frame");

      assertEquals((short) 1006, closed.get(3, TimeUnit.SECONDS), "then: abort (fin) by default");
      assertTrue(millisSince(t0) >= 2000, "the link ends when the blackhole does, after " + millisSince(t0) + " ms");
      eventually(() -> up.closes.size() == 1, "the server leg is aborted too");
      assertTrue(up.closes.get(0).startsWith("1006"), up.closes.toString());

      // The proxy kept reading both legs and recorded what it swallowed.
      List<EventBody.Fault> swallowed = faultEvents(rig, "f1", "swallowed");
      long ticksSwallowed = swallowed.stream().filter(f -> f.to() == Direction.TO_CLIENT && f.message() != null).count();
      assertTrue(ticksSwallowed >= 10, "the server kept sending (every 20 ms) and each tick was swallowed: " + ticksSwallowed);
      long heardId = messageId(rig, Direction.TO_SERVER, "are you there");
      assertTrue(swallowed.stream().anyMatch(f -> f.to() == Direction.TO_SERVER && Long.valueOf(heardId).equals(f.message())), "the client's message is recorded and swallowed");
      assertTrue(swallowed.stream().anyMatch(f -> f.to() == Direction.TO_SERVER && "ping".equals(f.detail())), "its heartbeat is recorded and swallowed");
      assertTrue(swallowed.stream().anyMatch(f -> f.to() == Direction.TO_SERVER && "close".equals(f.detail())), "its close frame is swallowed");
      assertTrue(bodies(rig, EventBody.ControlFrame.class).stream().anyMatch(c -> c.to() == Direction.TO_SERVER && c.opcode().equals("ping")), "its ping is on the timeline");
      assertTrue(bodies(rig, EventBody.Close.class).stream().anyMatch(c -> c.leg() == Leg.CLIENT && c.by().equals("client") && Integer.valueOf(1000).equals(c.code())), "its close frame is on the timeline");
      List<EventBody.Abort> aborts = bodies(rig, EventBody.Abort.class);
      assertTrue(aborts.stream().anyMatch(a -> a.leg() == Leg.CLIENT && "f1".equals(a.fault()) && a.mode().equals("fin")), aborts.toString());
    }
  }

  @Test
  void aServerThatDiesDuringABlackholeStaysHiddenUntilThenClosesTheLink() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      TickUpstream up = TickUpstream.start(rig.vertx).await();
      ProxyServer proxy = proxyTo(rig, up);
      WebSocket ws = connect(rig, proxy);
      List<String> got = new CopyOnWriteArrayList<>();
      CompletableFuture<String> closed = new CompletableFuture<>();
      ws.textMessageHandler(got::add);
      ws.closeHandler(v -> closed.complete(ws.closeStatusCode() + " " + ws.closeReason()));
      ws.writeTextMessage("tick 20");
      eventually(() -> got.size() >= 3, "ticks flow before the blackhole");

      long t0 = System.nanoTime();
      TimelineRecorder faults = TimelineRecorder.watching(rig.timeline, EventBody.Fault.class);
      add(proxy, "{for: 1s, blackhole: {then: close 4000}}");
      faults.skipTo(EventBody.Fault.class, f -> f.action().equals("swallowed") && f.to() == Direction.TO_CLIENT, "a tick swallowed", WAIT);
      Thread.sleep(50); // ticks the proxy wrote before that one reach the client
      int before = got.size();
      up.kill(true); // the server dies with an RST
      eventually(() -> bodies(rig, EventBody.Abort.class).stream().anyMatch(a -> a.leg() == Leg.SERVER && a.by().equals("server")), "the proxy sees the server leg die");
      Thread.sleep(300);
      assertTrue(millisSince(t0) < 1000, "still inside the window");
      assertFalse(closed.isDone(), "the client hears nothing of the server's death while the blackhole lasts");
      assertEquals(before, got.size());

      assertEquals("4000 blackhole ended (wschaos fault f1)", closed.get(3, TimeUnit.SECONDS), "then decides how the client's link ends");
      assertTrue(millisSince(t0) >= 1000, "after " + millisSince(t0) + " ms");
      assertTrue(
          bodies(rig, EventBody.Abort.class).stream().noneMatch(a -> a.leg() == Leg.CLIENT),
          "the dead server's reset is not mirrored on top of then: " + bodies(rig, EventBody.Abort.class));
    }
  }

  @Test
  void thenResumeLetsTrafficFlowAgainAndIsFlagged() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      TickUpstream up = TickUpstream.start(rig.vertx).await();
      ProxyServer proxy = proxyTo(rig, up);
      WebSocket ws = connect(rig, proxy);
      List<String> got = new CopyOnWriteArrayList<>();
      ws.textMessageHandler(got::add);
      ws.writeTextMessage("tick 20");
      eventually(() -> got.size() >= 3, "ticks flow before the blackhole");
      long t0 = System.nanoTime();
      TimelineRecorder swallowing = TimelineRecorder.watching(rig.timeline, EventBody.Fault.class);
      add(proxy, "{for: 1s, blackhole: {to: client, then: resume}}");
      swallowing.skipTo(EventBody.Fault.class, f -> f.action().equals("swallowed"), "a tick swallowed", WAIT);
      Thread.sleep(50); // ticks the proxy wrote before that one reach the client
      int before = got.size();
      Thread.sleep(300);
      assertEquals(before, got.size(), "nothing reaches the client while it lasts");
      assertTrue(millisSince(t0) < 1000, "still inside the window");
      eventually(() -> got.size() > before + 3, "ticks arrive again once it ends");
      assertFalse(ws.isClosed(), "the link stays open");
      TimelineRecorder faults = TimelineRecorder.watching(rig.timeline, EventBody.Fault.class);
      var resumed = (EventBody.Fault) faults.skipTo(EventBody.Fault.class, f -> f.action().equals("resumed"), "f1 resumed", WAIT).body();
      assertTrue(resumed.detail().startsWith("flagged"), resumed.detail());
      faults.skipTo(EventBody.Fault.class, f -> f.action().equals("stopped"), "f1 stopped", WAIT);
      faults.assertExhausted(); // resumed once
      int last = Integer.parseInt(got.get(got.size() - 1).substring(5));
      assertTrue(last > got.size() + 5, "the ticks sent meanwhile are lost, not replayed: " + got);
    }
  }

  // ---- idle_timeout ----

  @Test
  void idleTimeoutCutsALinkWithoutFramesWithAFinAndSparesALinkWithTraffic() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      rig.add("idle_timeout: {idle: 300ms}");
      WebSocket busy = rig.connect("/");
      List<String> echoed = new CopyOnWriteArrayList<>();
      busy.textMessageHandler(echoed::add);
      busy.writeTextMessage("keepalive");
      // Traffic from the moment the busy link is up, before anything else can take time.
      long timer = rig.vertx.setPeriodic(100, id -> busy.writeTextMessage("keepalive"));
      long t0 = System.nanoTime();
      try (RawWs quiet = RawWs.open(rig.proxy.port())) {
        assertEquals("fin", quiet.awaitEnd(Duration.ofSeconds(3)), "the quiet link is cut with a FIN (nginx-like)");
        long ms = millisSince(t0);
        assertTrue(ms >= 300 && ms < 300 + 1500, "cut after " + ms + " ms; idle is 300 ms");
        Thread.sleep(700);
        rig.vertx.cancelTimer(timer);
        assertFalse(busy.isClosed(), "a link with traffic is never cut");
        assertTrue(echoed.size() >= 5, "and it kept working: " + echoed.size());
      }
      TimelineRecorder faults = TimelineRecorder.watching(rig.timeline, EventBody.Fault.class);
      Event cut = faults.skipTo(EventBody.Fault.class, f -> f.action().equals("idle_cut"), "an idle cut", WAIT);
      assertEquals(2, cut.link(), "only the quiet link (the second) was cut");
      faults.assertExhausted(); // and only once
    }
  }

  // ---- handshakes ----

  @Test
  void rejectHandshakeAnswersWithItsStatusHeadersAndBodyCountTimes() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      rig.add("reject_handshake: {status: 429, headers: {Retry-After: 7, X-Why: [a, b]}, body: slow down, count: 2}");
      for (int i = 0; i < 2; i++) {
        UpgradeRejectedException rej = rejection(rig, rig.proxy);
        assertEquals(429, rej.getStatus());
        assertEquals("7", rej.getHeaders().get("Retry-After"));
        assertEquals(List.of("a", "b"), rej.getHeaders().getAll("X-Why"));
        assertEquals("slow down", rej.getBody().toString());
      }
      WebSocket third = rig.connect("/");
      assertFalse(third.isClosed(), "after count rejections handshakes go through");
      assertEquals(1, rig.upstream.handshakeHeaders.size(), "the server never saw the rejected attempts");
      assertEquals(2, faultEvents(rig, "f1", "rejected").size());
      List<EventBody.Rejected> rejected = bodies(rig, EventBody.Rejected.class);
      assertEquals(2, rejected.size());
      assertTrue(rejected.stream().allMatch(r -> r.status() == 429 && r.by().equals("proxy")), rejected.toString());
    }
  }

  @Test
  void slowHandshakeCompletesTheHandshakeOnlyAfterBy() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      rig.add("slow_handshake: {by: 400ms}");
      long t0 = System.nanoTime();
      WebSocket ws = rig.connect("/");
      long ms = millisSince(t0);
      assertTrue(ms >= 400 && ms < 400 + 2000, "the handshake took " + ms + " ms; by is 400 ms");
      CompletableFuture<String> echo = new CompletableFuture<>();
      ws.textMessageHandler(echo::complete);
      ws.writeTextMessage("hi");
      assertEquals("hi", echo.get(3, TimeUnit.SECONDS), "the link works once open");
    }
  }

  // ---- server_down ----

  @Test
  void serverDownResetsEachNewConnectionAndEveryAttemptIsOnTheTimeline() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      WebSocket open = rig.connect("/");
      awaitLinks(rig.proxy, 1);
      rig.add("{for: 1s, server_down: {}}");
      Throwable failed = assertThrows(Throwable.class, () -> rig.connect("/"), "the client's connect fails");
      assertFalse(failed instanceof UpgradeRejectedException, "no HTTP answer at all: " + failed);
      try (RawWs raw = RawWs.open(rig.proxy.port())) {
        fail("a raw client got an answer: " + raw.status);
      } catch (SocketException e) {
        assertTrue(String.valueOf(e.getMessage()).toLowerCase().contains("reset") || String.valueOf(e.getMessage()).contains("Broken pipe"), e.toString());
      }
      List<Event> attempts = rig.timeline.events().stream().filter(e -> e.body() instanceof EventBody.Attempt).toList();
      assertEquals(3, attempts.size(), "the open link and the two reset attempts: " + rig.timeline.events());
      for (Event a : attempts.subList(1, 3)) {
        assertTrue(
            rig.timeline.events().stream().anyMatch(e -> e.link() == a.link() && e.body() instanceof EventBody.Abort ab && ab.mode().equals("reset") && "f1".equals(ab.fault())),
            "attempt " + a.link() + " was reset by f1");
      }
      assertFalse(open.isClosed(), "links already open survive");
      eventually(() -> {
        try {
          rig.connect("/").close();
          return true;
        } catch (Exception e) {
          return false;
        }
      }, "connections are accepted again after the window");
    }
  }

  @Test
  void serverDownResetRecordsTheAttemptWithThePathAndQueryItAskedForAndAnIncompleteOneWithout() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      rig.add("{for: 10s, server_down: {}}");
      Throwable failed = assertThrows(Throwable.class, () -> rig.connect("/a?x=1"), "the client's connect fails");
      assertFalse(failed instanceof UpgradeRejectedException, "no HTTP answer at all: " + failed);
      eventually(() -> attempts(rig).size() == 1, "the attempt is recorded");
      Event a = attempts(rig).get(0);
      EventBody.Attempt body = (EventBody.Attempt) a.body();
      assertEquals("/a", body.path(), "the attempt names the socket's path: " + a);
      assertEquals("x=1", body.query(), "and its query: " + a);
      assertTrue(rig.timeline.events().stream().anyMatch(e -> e.link() == a.link() && e.body() instanceof EventBody.Abort ab && ab.mode().equals("reset") && "f1".equals(ab.fault())),
          "the attempt was reset by f1: " + rig.timeline.events());

      // A connection whose request head never completes is reset after a short wait: an attempt without a path.
      try (Socket partial = new Socket()) {
        partial.connect(new InetSocketAddress("127.0.0.1", rig.proxy.port()), 2000);
        partial.setSoTimeout(5000);
        long start = System.nanoTime();
        partial.getOutputStream().write("GET /b?y=2 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n".getBytes(StandardCharsets.US_ASCII));
        partial.getOutputStream().flush();
        IOException reset = assertThrows(IOException.class, () -> {
          if (partial.getInputStream().read() < 0) {
            throw new IOException("fin, not reset");
          }
        });
        assertTrue(String.valueOf(reset.getMessage()).toLowerCase().contains("reset"), reset.toString());
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(waitedMs >= 300 && waitedMs < 4_000, "reset after about " + ProxyServer.RESET_HEAD_WAIT_MS + " ms, took " + waitedMs);
      }
      eventually(() -> attempts(rig).size() == 2, "the silent attempt is recorded");
      Event second = attempts(rig).get(1);
      assertEquals(null, ((EventBody.Attempt) second.body()).path(), "no complete request head, no path: " + second);
    }
  }

  private static List<Event> attempts(FaultRig rig) {
    return rig.timeline.events().stream().filter(e -> e.body() instanceof EventBody.Attempt).toList();
  }

  @Test
  void serverDownRefuseClosesTheListeningSocketWhileOpenLinksKeepEchoingThenRebinds() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      int port = rig.proxy.port();
      WebSocket open = rig.connect("/");
      List<String> echoed = new CopyOnWriteArrayList<>();
      open.textMessageHandler(echoed::add);
      awaitLinks(rig.proxy, 1);
      int[] sent = {0};
      long timer = rig.vertx.setPeriodic(50, id -> open.writeTextMessage("m" + sent[0]++));
      long t0 = System.nanoTime();
      rig.add("{for: 700ms, server_down: {mode: refuse}}");
      eventually(() -> !accepts(port), "the kernel refuses connections once the listening socket is closed");
      assertTrue(millisSince(t0) < 700, "refused within the window");
      int echoedInWindow = echoed.size();
      Thread.sleep(300);
      assertTrue(echoed.size() >= echoedInWindow + 3, "the open link keeps echoing while new connects are refused: " + echoed.size());
      assertThrows(ConnectException.class, () -> new Socket().connect(new InetSocketAddress("127.0.0.1", port), 1000));
      eventually(() -> accepts(port), "the port is bound again when the fault ends");
      assertTrue(millisSince(t0) >= 700, "not before the window ended: " + millisSince(t0) + " ms");
      WebSocket again = rig.connect("/");
      CompletableFuture<String> echo = new CompletableFuture<>();
      again.textMessageHandler(echo::complete);
      again.writeTextMessage("back");
      assertEquals("back", echo.get(3, TimeUnit.SECONDS));
      rig.vertx.cancelTimer(timer);
      int total = sent[0];
      eventually(() -> echoed.size() == total, "every message of the old link was echoed");
      assertFalse(open.isClosed(), "the link opened before the outage survived it");
      assertEquals(List.of(), rig.upstream.closes, "no link was closed");
    }
  }

  @Test
  void serverDownRejectAnswers503WithRetryAfterAndCloseLinksClosesOpenOnes() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      WebSocket open = rig.connect("/");
      CompletableFuture<String> closed = new CompletableFuture<>();
      open.closeHandler(v -> closed.complete(open.closeStatusCode() + " " + open.closeReason()));
      awaitLinks(rig.proxy, 1);
      rig.add("{for: 2s, server_down: {mode: reject, retry_after: 3, close_links: 1012}}");
      assertEquals("1012 server down", closed.get(3, TimeUnit.SECONDS), "close_links reaches the link already open");
      UpgradeRejectedException rej = rejection(rig, rig.proxy);
      assertEquals(503, rej.getStatus());
      assertEquals("3", rej.getHeaders().get("Retry-After"));
      assertEquals(1, rig.upstream.handshakeHeaders.size(), "the server never saw the rejected attempt");
    }
  }

  // ---- restart_server ----

  @Test
  void restartServerWithoutAServerProcessIsSkippedAndLeavesLinksAlone() throws Exception {
    try (FaultRig rig = new FaultRig()) {
      WebSocket ws = rig.connect("/");
      awaitLinks(rig.proxy, 1);
      TimelineRecorder faults = TimelineRecorder.watching(rig.timeline, EventBody.Fault.class);
      rig.add("restart_server: {down_for: 1s}");
      var skipped = (EventBody.Fault) faults.skipTo(EventBody.Fault.class, f -> f.action().equals("skipped"), "f1 skipped", WAIT).body();
      assertEquals("no server process to restart (needs server.command)", skipped.detail());
      CompletableFuture<String> echo = new CompletableFuture<>();
      ws.textMessageHandler(echo::complete);
      ws.writeTextMessage("still here");
      assertEquals("still here", echo.get(3, TimeUnit.SECONDS));
    }
  }

  // ---- helpers ----

  private static List<FaultSpec> add(ProxyServer proxy, String yaml) throws IOException {
    List<FaultSpec> specs = PARSER.parse(YAML.readTree(yaml), "fault", "f1");
    specs.forEach(proxy.faults()::add);
    return specs;
  }

  private static ProxyServer proxyTo(FaultRig rig, TickUpstream up) {
    return ProxyServer.start(rig.vertx, ProxyOptions.of(URI.create("ws://127.0.0.1:" + up.server.actualPort())), rig.timeline).await();
  }

  private static WebSocket connect(FaultRig rig, ProxyServer proxy) throws InterruptedException {
    WebSocket ws = rig.client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(proxy.port()).setURI("/")).await();
    awaitLinks(proxy, 1);
    return ws;
  }

  private static UpgradeRejectedException rejection(FaultRig rig, ProxyServer proxy) {
    Throwable t = assertThrows(Throwable.class, () -> rig.client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(proxy.port()).setURI("/")).await());
    if (t instanceof UpgradeRejectedException rej) {
      return rej;
    }
    throw new AssertionError("expected an HTTP rejection, got " + t, t);
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void awaitLinks(ProxyServer proxy, int n) throws InterruptedException {
    eventually(() -> proxy.liveLinks() >= n, n + " open link(s)");
  }

  private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("waited 5 s for: " + what);
      }
      Thread.sleep(10);
    }
  }

  private static long millisSince(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private static <T extends EventBody> List<T> bodies(FaultRig rig, Class<T> kind) {
    return rig.timeline.events().stream().map(Event::body).filter(kind::isInstance).map(kind::cast).toList();
  }

  private static List<EventBody.Fault> faultEvents(FaultRig rig, String id, String action) {
    return bodies(rig, EventBody.Fault.class).stream().filter(f -> f.fault().equals(id) && f.action().equals(action)).toList();
  }

  private static long messageId(FaultRig rig, Direction to, String preview) {
    return bodies(rig, EventBody.Message.class).stream()
        .filter(m -> m.to() == to && preview.equals(m.preview()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no message '" + preview + "' toward " + to.wire() + " on the timeline"))
        .id();
  }

  /** A WebSocket client on a bare socket: it shows whether the connection ends with a FIN or an RST. */
  static final class RawWs implements AutoCloseable {
    final Socket socket;
    final InputStream in;
    final String status;

    private RawWs(Socket socket, String status) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.status = status;
    }

    /** Connects and sends an upgrade request; returns once the response head arrived. */
    static RawWs open(int port) throws IOException {
      Socket s = new Socket();
      try {
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        s.setSoTimeout(5000);
        OutputStream out = s.getOutputStream();
        out.write(
            ("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = s.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
          int b = in.read();
          if (b < 0) {
            throw new SocketException("closed before the response head: " + head);
          }
          head.append((char) b);
        }
        return new RawWs(s, head.substring(0, head.indexOf("\r\n")));
      } catch (IOException e) {
        s.close();
        throw e;
      }
    }

    /** Reads (and skips) until the connection ends: "fin" (EOF), "reset" (RST), or "open" after {@code timeout}. */
    String awaitEnd(Duration timeout) throws IOException {
      socket.setSoTimeout((int) timeout.toMillis());
      byte[] buf = new byte[4096];
      try {
        while (true) {
          if (in.read(buf) < 0) {
            return "fin";
          }
        }
      } catch (SocketTimeoutException e) {
        return "open";
      } catch (SocketException e) {
        if (String.valueOf(e.getMessage()).toLowerCase().contains("reset")) {
          return "reset";
        }
        throw e;
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /**
   * An upstream that echoes text and, on {@code tick MS}, sends {@code tick-N} every MS ms until the
   * socket closes; it remembers what it received (texts, and "ping" for pings) and the closes it saw,
   * and can die without a close frame.
   */
  static final class TickUpstream {
    final HttpServer server;
    final List<ServerWebSocket> sockets = new CopyOnWriteArrayList<>();
    final List<String> received = new CopyOnWriteArrayList<>();
    final List<String> closes = new CopyOnWriteArrayList<>();

    private TickUpstream(HttpServer server) {
      this.server = server;
    }

    static Future<TickUpstream> start(Vertx vertx) {
      HttpServer s = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0));
      TickUpstream up = new TickUpstream(s);
      s.webSocketHandler(ws -> up.serve(vertx, ws));
      return s.listen().map(x -> up);
    }

    private void serve(Vertx vertx, ServerWebSocket ws) {
      sockets.add(ws);
      long[] timer = {-1};
      ws.frameHandler(
          f -> {
            switch (f.type()) {
              case TEXT -> {
                String t = f.textData();
                received.add(t);
                if (t.startsWith("tick ")) {
                  int[] n = {0};
                  timer[0] = vertx.setPeriodic(Long.parseLong(t.substring(5)), id -> ws.writeTextMessage("tick-" + ++n[0]));
                } else {
                  ws.writeTextMessage(t);
                }
              }
              case PING -> received.add("ping");
              default -> {}
            }
          });
      ws.closeHandler(
          v -> {
            vertx.cancelTimer(timer[0]);
            closes.add(ws.closeStatusCode() + " " + ws.closeReason());
          });
      ws.exceptionHandler(e -> {});
    }

    /** Every socket dies without a close frame: RST when {@code reset}, else FIN. */
    void kill(boolean reset) {
      for (ServerWebSocket ws : sockets) {
        ChannelHandlerContext c = ((WebSocketInternal) ws).channelHandlerContext();
        c.executor().execute(() -> {
          if (reset) {
            c.channel().config().setOption(ChannelOption.SO_LINGER, 0);
          }
          c.close();
        });
      }
    }
  }
}
