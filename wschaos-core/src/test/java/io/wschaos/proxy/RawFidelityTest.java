package io.wschaos.proxy;

import static io.wschaos.proxy.Waits.WAIT;
import static io.wschaos.proxy.Waits.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.wschaos.frame.Leg;
import io.wschaos.testsupport.RawWebSocket;
import io.wschaos.testsupport.RawWebSocket.End;
import io.wschaos.testsupport.RawWebSocket.EndKind;
import io.wschaos.testsupport.RawWebSocket.RawFrame;
import io.wschaos.testsupport.RawWebSocketServer;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Fidelity below any WebSocket library: a {@link RawWebSocketServer} upstream, and a Vert.x or
 * {@link RawWebSocket} client. Control frames and close frames are the real peers' to answer, and a
 * dying TCP connection dies the same way (RST or FIN) on the other leg.
 */
@Timeout(10)
class RawFidelityTest {
  private static final long LATE_MS = 500;

  private static Vertx vertx;
  private RawWebSocketServer upstream;
  private ProxyServer proxy;
  private WebSocketClient client; // a field: Vert.x 5 disposes of unreachable clients

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    await(vertx.close());
  }

  @BeforeEach
  void start() throws Exception {
    upstream = RawWebSocketServer.start();
    proxy = await(ProxyServer.start(vertx, ProxyOptions.of(URI.create("ws://127.0.0.1:" + upstream.port())),
        new Timeline(Level.PREVIEW)));
    client = vertx.createWebSocketClient();
  }

  @AfterEach
  void stop() {
    try {
      LinkLedger.assertEveryLinkEnded(proxy);
    } finally {
      upstream.close();
      await(proxy.close());
      await(client.close());
    }
  }

  /** A Vert.x client linked through the proxy to a raw upstream connection. */
  private record VertxLink(WebSocket client, RawWebSocket server) {}

  private VertxLink vertxLink() throws Exception {
    Future<WebSocket> ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(proxy.port()).setURI("/"));
    RawWebSocket server = upstream.accept(WAIT);
    return new VertxLink(await(ws), server);
  }

  /** A raw client linked through the proxy to a raw upstream connection, one echo proving the link. */
  private record RawLink(RawWebSocket client, RawWebSocket server) {}

  private RawLink rawLink() throws Exception {
    CompletableFuture<RawWebSocket> c = CompletableFuture.supplyAsync(() -> {
      try {
        return RawWebSocket.connect(proxy.port(), "/raw");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    RawWebSocket server = upstream.accept(WAIT);
    RawWebSocket rawClient = c.get(5, TimeUnit.SECONDS);
    rawClient.sendText("hi");
    RawFrame atServer = server.readFrame();
    assertEquals("hi", atServer.text());
    assertTrue(atServer.masked(), "the proxy masks what it sends upstream");
    server.send(RawWebSocket.TEXT, true, atServer.payload());
    RawFrame atClient = rawClient.readFrame();
    assertEquals("hi", atClient.text());
    assertFalse(atClient.masked(), "the proxy does not mask what it sends the client");
    return new RawLink(rawClient, server);
  }

  // ---- the peers answer, not the proxy ----

  @Test
  void serverAnsweringAPingLateMakesTheClientsPongLateAndThereIsExactlyOne() throws Exception {
    VertxLink link = vertxLink();
    List<Long> pongAtMs = new CopyOnWriteArrayList<>();
    List<String> pongData = new CopyOnWriteArrayList<>();
    long start = System.nanoTime();
    link.client().pongHandler(b -> {
      pongAtMs.add((System.nanoTime() - start) / 1_000_000);
      pongData.add(b.toString());
    });
    link.client().writePing(Buffer.buffer("p-1"));

    RawFrame ping = link.server().readFrame();
    assertEquals(RawWebSocket.PING, ping.opcode(), () -> "the upstream got " + ping);
    assertEquals("p-1", ping.text());
    Waits.sleep(LATE_MS);
    assertEquals(List.of(), pongData, "no pong before the server sent one: the proxy must not answer for it");
    link.server().send(RawWebSocket.PONG, true, ping.payload());

    Waits.until(() -> !pongAtMs.isEmpty(), WAIT, () -> "a pong at the client");
    Waits.sleep(300); // a second pong would be here by now
    assertEquals(List.of("p-1"), pongData, "pongs at the client");
    assertTrue(pongAtMs.get(0) >= LATE_MS, () -> "the pong came " + pongAtMs.get(0) + " ms after the ping");
    assertEquals(List.of("ping to server", "pong to client"),
        VertxRelayTest.bodies(proxy, EventBody.ControlFrame.class).stream()
            .map(f -> f.opcode() + " to " + f.to().wire()).toList(), "control frames on the timeline");

    closeCleanly(link);
  }

  @Test
  void serverAnsweringACloseLateMakesTheClientsCloseCompleteLateAndThePayloadArrivesByteForByte() throws Exception {
    VertxLink link = vertxLink();
    String reason = "late echo – ✓";
    long start = System.nanoTime();
    CompletableFuture<Long> closedAtMs = new CompletableFuture<>();
    link.client().close((short) 4000, reason).onComplete(ar -> closedAtMs.complete((System.nanoTime() - start) / 1_000_000));

    RawFrame close = link.server().readFrame();
    assertEquals(RawWebSocket.CLOSE, close.opcode(), () -> "the upstream got " + close);
    assertArrayEquals(RawWebSocket.closePayload(4000, reason), close.payload(), "close payload: code and reason bytes");
    Waits.sleep(LATE_MS);
    assertFalse(closedAtMs.isDone(), () -> "the client's close completed after " + closedAtMs.join()
        + " ms, before the server echoed: the proxy answered for the server");
    link.server().send(RawWebSocket.CLOSE, true, close.payload());
    link.server().closeTcp(); // the server closes the TCP connection first (RFC 6455 7.1.1)

    long tookMs = closedAtMs.get(5, TimeUnit.SECONDS);
    assertTrue(tookMs >= LATE_MS, () -> "the client's close completed " + tookMs + " ms after it began");
    assertEquals((short) 4000, link.client().closeStatusCode());
    assertEquals(reason, link.client().closeReason());
    assertEquals(List.of(new EventBody.Close(Leg.CLIENT, "client", 4000, reason, null),
            new EventBody.Close(Leg.SERVER, "server", 4000, reason, null)),
        VertxRelayTest.bodies(proxy, EventBody.Close.class));
  }

  private void closeCleanly(VertxLink link) throws Exception {
    Future<Void> closed = link.client().close();
    RawFrame close = link.server().readFrame();
    assertEquals(RawWebSocket.CLOSE, close.opcode());
    link.server().send(RawWebSocket.CLOSE, true, close.payload());
    link.server().closeTcp();
    await(closed);
  }

  // ---- RST is mirrored as RST, FIN as FIN ----

  static Stream<Arguments> deaths() {
    return Stream.of(Leg.SERVER, Leg.CLIENT).flatMap(leg -> Stream.of(EndKind.RESET, EndKind.FIN).map(m -> Arguments.of(leg, m)));
  }

  @ParameterizedTest(name = "{0} dies with {1}")
  @MethodSource("deaths")
  void aPeerDyingWithoutACloseFrameDiesTheSameWayOnTheOtherLeg(Leg dying, EndKind how) throws Exception {
    RawLink link = rawLink();
    RawWebSocket dies = dying == Leg.SERVER ? link.server() : link.client();
    RawWebSocket survivor = dying == Leg.SERVER ? link.client() : link.server();
    if (how == EndKind.RESET) {
      dies.reset();
    } else {
      dies.closeTcp();
    }

    End end = survivor.awaitEnd(WAIT);
    assertEquals(how, end.kind(), () -> "the " + dying.other().wire() + " saw " + end + "\n" + LinkLedger.of(proxy.timeline(), 1));
    assertEquals(List.of(), end.framesBefore(), "no close frame, nothing at all, before the end");
    String mode = how == EndKind.RESET ? "reset" : "fin";
    Waits.until(() -> VertxRelayTest.bodies(proxy, EventBody.Abort.class).size() == 2, WAIT,
        () -> "two aborts\n" + LinkLedger.of(proxy.timeline(), 1));
    List<String> aborts = VertxRelayTest.bodies(proxy, EventBody.Abort.class).stream()
        .map(a -> a.leg().wire() + " " + a.mode() + " by " + a.by()).toList();
    assertEquals(List.of(dying.wire() + " " + mode + " by " + dying.wire(), dying.other().wire() + " " + mode + " by proxy"),
        aborts, () -> "aborts on the timeline\n" + LinkLedger.of(proxy.timeline(), 1));
    survivor.close();
  }

  @Test
  void rawClientsCloseFrameReachesTheServerByteForByteAndTheEchoComesBack() throws Exception {
    RawLink link = rawLink();
    byte[] payload = RawWebSocket.closePayload(4999, "é".repeat(61) + "x"); // 2 + 123 bytes: the longest reason
    link.client().send(RawWebSocket.CLOSE, true, payload);

    RawFrame atServer = link.server().readFrame();
    assertArrayEquals(payload, atServer.payload(), "the close payload at the server");
    link.server().send(RawWebSocket.CLOSE, true, atServer.payload());
    link.server().closeTcp();
    RawFrame echo = link.client().readFrame();
    assertArrayEquals(payload, echo.payload(), "the echo at the client");
    End end = link.client().awaitEnd(WAIT);
    assertEquals(EndKind.FIN, end.kind(), "the proxy closes the client's TCP after the close handshake");
    assertEquals(List.of(), end.framesBefore());
    assertEquals(new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8),
        VertxRelayTest.bodies(proxy, EventBody.Close.class).get(0).reason());
  }

  // ---- every way a link ends leaves nothing behind ----

  @Test
  void everyWayALinkEndsLeavesNoLiveLinkAndOneEndedEventPerOpenedLink() throws Exception {
    // 1: the client closes, the server echoes late and closes TCP first.
    VertxLink one = vertxLink();
    closeCleanly(one);

    // 2: the server closes; the client echoes (through the proxy), the server closes TCP.
    VertxLink two = vertxLink();
    CompletableFuture<Short> twoClosed = new CompletableFuture<>();
    two.client().closeHandler(v -> twoClosed.complete(two.client().closeStatusCode()));
    two.server().sendClose(4001, "token expired");
    assertEquals(4001, two.server().readFrame().closeCode(), "the client's echo at the server");
    two.server().closeTcp();
    assertEquals((short) 4001, twoClosed.get(5, TimeUnit.SECONDS));

    // 3 and 4: the client resets; the server leaves with a FIN.
    RawLink three = rawLink();
    three.client().reset();
    assertEquals(EndKind.RESET, three.server().awaitEnd(WAIT).kind());
    RawLink four = rawLink();
    four.server().closeTcp();
    assertEquals(EndKind.FIN, four.client().awaitEnd(WAIT).kind());

    // 5: the client breaks the protocol: 1002 to it, 1001 to the server, which echoes and leaves.
    RawLink five = rawLink();
    five.client().send(RawWebSocket.TEXT, true, "unmasked".getBytes(StandardCharsets.UTF_8), false);
    assertEquals(1002, five.client().readFrame().closeCode());
    RawFrame goingAway = five.server().readFrame();
    assertEquals(1001, goingAway.closeCode());
    five.server().send(RawWebSocket.CLOSE, true, goingAway.payload());
    five.server().closeTcp();
    assertEquals(EndKind.FIN, five.client().awaitEnd(WAIT).kind());

    // 6: the server refuses the handshake: an attempt that never opens.
    Future<WebSocket> six = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(proxy.port()).setURI("/"));
    upstream.reject(WAIT, 503, "later", "Retry-After: 3");
    assertEquals(503, ((UpgradeRejectedException) Waits.failure(six)).getStatus());

    // 7: the client leaves before the server answers; the proxy then drops the upstream connection.
    try (Socket leaver = new Socket("127.0.0.1", proxy.port())) {
      leaver.getOutputStream().write(("GET /leaving HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      leaver.getOutputStream().flush();
      Waits.until(() -> VertxRelayTest.bodies(proxy, EventBody.Attempt.class).size() == 7, WAIT, () -> "attempt 7");
    }
    Waits.sleep(100); // the client is gone before the server answers
    RawWebSocket seven = upstream.accept(WAIT);
    End sevenEnd = seven.awaitEnd(WAIT);
    assertEquals(List.of(), sevenEnd.framesBefore(), "nothing relayed to an upstream whose client left");

    // The ledger (after each test) checks the rest: no live link, attempts 1..7, one ended per opened link.
    List<Integer> opened = proxy.timeline().events().stream().filter(e -> e.body() instanceof EventBody.Open).map(e -> e.link()).toList();
    assertEquals(List.of(1, 2, 3, 4, 5), opened, () -> "links that opened\n" + LinkLedger.tail(proxy.timeline()));
  }
}
