package io.wschaos.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The handshake-read timeout (--handshake-timeout): a client that sends half a request, a TLS
 * ClientHello or headers slower than the timeout, and never a FIN, has its connection closed (408
 * once a request line came); a link idle longer than the timeout and a plain HTTP request whose
 * answer takes longer are not touched.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HandshakeReadTimeoutTest {
  static final Duration TIMEOUT = Duration.ofMillis(500);
  /** Generous: the machine is busy; the timeout itself is checked as a lower bound. */
  static final int CLOSED_WITHIN_MS = 5_000;

  private static Vertx vertx;
  private static Vertx peers;
  private static HttpServer upstream;
  private static ProxyServer proxy;
  private static Timeline timeline;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    peers = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    // Echoes WebSocket messages; answers plain HTTP requests after three timeouts.
    upstream = peers.createHttpServer().requestHandler(req -> {
      if (req.canUpgradeToWebSocket()) {
        req.toWebSocket().onSuccess(ws -> ws.textMessageHandler(ws::writeTextMessage));
      } else {
        peers.setTimer(3 * TIMEOUT.toMillis(), id -> req.response().end("slow answer"));
      }
    }).listen(0, "127.0.0.1").await();
    timeline = new Timeline(Level.META);
    proxy = ProxyServer.start(vertx, ProxyOptions.of(URI.create("ws://127.0.0.1:" + upstream.actualPort() + "/")).withHeadTimeout(TIMEOUT),
        timeline).await();
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close().await();
    }
    if (timeline != null) {
      timeline.close();
    }
    if (vertx != null) {
      vertx.close().await();
      peers.close().await();
    }
  }

  @Test
  void halfARequestLineIsClosedWithoutAnAnswer() throws Exception {
    try (Socket s = connect()) {
      send(s, "GET /feed HTT");
      long start = System.nanoTime();
      assertEquals("", readAll(s), "nothing but the close");
      assertAfterTheTimeout(start);
    }
  }

  @Test
  void theStartOfATlsClientHelloIsClosedWithoutAnAnswer() throws Exception {
    try (Socket s = connect()) {
      // Part of a ClientHello: no line end, so the decoder waits for more (a whole one has bytes
      // Netty's decoder rejects at once, with 400).
      byte[] hello = HexFormat.of().parseHex(HandshakeFuzzTest.CLIENT_HELLO);
      s.getOutputStream().write(java.util.Arrays.copyOf(hello, 5));
      long start = System.nanoTime();
      assertEquals("", readAll(s));
      assertAfterTheTimeout(start);
    }
  }

  @Test
  void aRequestLineWithHalfItsHeadersGets408() throws Exception {
    try (Socket s = connect()) {
      send(s, "GET /feed HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n");
      long start = System.nanoTime();
      String answer = readAll(s);
      assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
      assertAfterTheTimeout(start);
    }
  }

  @Test
  void headersTrickledSlowerThanTheTimeoutGet408() throws Exception {
    try (Socket s = connect()) {
      long start = System.nanoTime();
      send(s, "GET /feed HTTP/1.1\r\n");
      String answer = null;
      // One header line every fifth of the timeout, for up to four timeouts: bytes keep coming, the head never ends.
      for (int i = 0; i < 20 && answer == null; i++) {
        Thread.sleep(TIMEOUT.toMillis() / 5);
        try {
          send(s, "X-Slow-" + i + ": y\r\n");
        } catch (IOException closed) {
          answer = readAll(s);
        }
      }
      if (answer == null) {
        answer = readAll(s);
      }
      assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
      assertAfterTheTimeout(start);
    }
  }

  @Test
  void aLinkIdleLongerThanTheTimeoutStaysOpen() throws Exception {
    WebSocketClient client = peers.createWebSocketClient(new WebSocketClientOptions());
    try {
      WebSocket ws = client.connect(proxy.port(), "127.0.0.1", "/idle").await(5, TimeUnit.SECONDS);
      CompletableFuture<String> echo = new CompletableFuture<>();
      ws.textMessageHandler(echo::complete);
      ws.closeHandler(v -> echo.completeExceptionally(new AssertionError("the link closed: " + ws.closeStatusCode())));
      Thread.sleep(4 * TIMEOUT.toMillis());
      ws.writeTextMessage("still here");
      assertEquals("still here", echo.get(5, TimeUnit.SECONDS));
      ws.close().await(5, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }

  @Test
  void aPlainRequestWhoseAnswerTakesLongerThanTheTimeoutGetsIt() throws Exception {
    try (Socket s = connect()) {
      send(s, "GET /slow HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      String answer = readAll(s);
      assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
      assertTrue(answer.endsWith("slow answer"), answer);
    }
  }

  private static Socket connect() throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", proxy.port()), 5_000);
    s.setSoTimeout(CLOSED_WITHIN_MS + (int) (4 * TIMEOUT.toMillis()));
    return s;
  }

  private static void send(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Everything until the proxy closes; fails if it keeps the connection open. */
  private static String readAll(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    try {
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    } catch (SocketTimeoutException open) {
      throw new AssertionError("the proxy kept the connection open", open);
    } catch (IOException reset) {
      return "";
    }
  }

  private static void assertAfterTheTimeout(long startNanos) {
    long ms = (System.nanoTime() - startNanos) / 1_000_000;
    assertTrue(ms >= TIMEOUT.toMillis() - 100, "closed after " + ms + " ms, before the " + TIMEOUT.toMillis() + " ms timeout");
  }
}
