package io.wschaos.proxy;

import static io.wschaos.proxy.Waits.WAIT;
import static io.wschaos.proxy.Waits.await;
import static io.wschaos.proxy.Waits.failure;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.wschaos.frame.Leg;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The relay seen by Vert.x on both ends: a Vert.x client → proxy → {@link EchoUpstream}. Payloads,
 * fragmentation, close codes, handshake pass-through, refusals the proxy makes itself, and plain
 * HTTP on the proxy port. Every test ends with the {@link LinkLedger} check.
 */
@Timeout(10)
class VertxRelayTest {
  private static final int[] SIZES = {0, 1, 125, 126, 65535, 65536, 1 << 20, ProxyOptions.DEFAULT_MAX_FRAME - 1024};

  private static Vertx vertx;
  private EchoUpstream upstream;
  private ProxyServer proxy;
  private final List<ProxyServer> proxies = new ArrayList<>();
  // Held in fields: Vert.x 5 disposes of unreachable clients (vertx5-notes.md, section 3).
  private WebSocketClient client;
  private HttpClient http;
  private Context httpContext;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    await(vertx.close());
  }

  @BeforeEach
  void start() {
    upstream = await(EchoUpstream.start(vertx));
    proxy = startProxy(ProxyOptions.of(URI.create("ws://127.0.0.1:" + upstream.port())));
    client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(32 << 20).setMaxMessageSize(64 << 20).setMaxConnections(Integer.MAX_VALUE));
    http = vertx.createHttpClient();
    httpContext = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() {
    try {
      for (ProxyServer p : proxies) {
        LinkLedger.assertEveryLinkEnded(p);
      }
    } finally {
      proxies.forEach(p -> await(p.close()));
      await(upstream.close());
      await(client.close());
      await(http.close());
    }
  }

  private ProxyServer startProxy(ProxyOptions options) {
    ProxyServer p = await(ProxyServer.start(vertx, options, new Timeline(Level.PREVIEW)));
    proxies.add(p);
    return p;
  }

  private WebSocket connect(String uri) {
    return await(client.connect(options(proxy.port(), uri)));
  }

  private static WebSocketConnectOptions options(int port, String uri) {
    return new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri);
  }

  // ---- payloads ----

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"text", "binary"})
  void messagesOfEverySizeUpTo16MiBArriveByteExactBothWays(String type) throws Exception {
    WebSocket ws = connect("/echo");
    Random random = new Random(16);
    for (int size : SIZES) {
      byte[] sent = type.equals("text") ? utf8Text(random, size) : randomBytes(random, size);
      CompletableFuture<byte[]> echo = new CompletableFuture<>();
      if (type.equals("text")) {
        ws.textMessageHandler(s -> echo.complete(s.getBytes(StandardCharsets.UTF_8)));
        ws.writeTextMessage(new String(sent, StandardCharsets.UTF_8));
      } else {
        ws.binaryMessageHandler(b -> echo.complete(b.getBytes()));
        ws.writeBinaryMessage(Buffer.buffer(sent));
      }
      byte[] back = echo.get(5, TimeUnit.SECONDS);
      EchoUpstream.Seen atServer = upstream.frames.get(upstream.frames.size() - 1);
      assertEquals(type.equals("text") ? WebSocketFrameType.TEXT : WebSocketFrameType.BINARY, atServer.type(),
          () -> "the " + size + "-byte message's opcode at the server");
      assertArrayEquals(sent, atServer.data(), () -> "client → server: the " + size + "-byte " + type + " message changed");
      assertArrayEquals(sent, back, () -> "server → client: the " + size + "-byte " + type + " echo changed");
      upstream.frames.clear();
    }
    await(ws.close());
  }

  /** Valid UTF-8 of exactly {@code size} bytes mixing 1-, 2-, 3- and 4-byte characters. */
  private static byte[] utf8Text(Random random, int size) {
    byte[][] alphabet = Stream.of("a", "Z", "7", " ", "{", "é", "ß", "✓", "€", "😀")
        .map(c -> c.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    byte[] out = new byte[size];
    int pos = 0;
    while (pos < size) {
      byte[] c = alphabet[random.nextInt(alphabet.length)];
      if (pos + c.length > size) {
        c = alphabet[0];
      }
      System.arraycopy(c, 0, out, pos, c.length);
      pos += c.length;
    }
    return out;
  }

  private static byte[] randomBytes(Random random, int size) {
    byte[] b = new byte[size];
    random.nextBytes(b);
    return b;
  }

  // ---- fragmentation ----

  @Test
  void serversFragmentedMessageReachesTheClientAsTheSameThreeFrames() {
    WebSocket ws = connect("/");
    List<WebSocketFrame> got = new CopyOnWriteArrayList<>();
    ws.frameHandler(got::add);
    ws.writeTextMessage("fragment"); // EchoUpstream answers text(fin=false) "one-", continuation "two-", continuation(fin) "three"

    Waits.until(() -> got.size() >= 3, WAIT, () -> "three frames at the client, got " + describe(got));
    Waits.sleep(100); // nothing more may follow
    assertEquals(
        List.of("TEXT(more) one-", "CONTINUATION(more) two-", "CONTINUATION(fin) three"),
        describe(got), "frames at the client, in order, with FIN only on the last");
    await(ws.close());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"text", "binary"})
  void clientsFragmentedMessageReachesTheServerAsTheSameThreeFrames(String type) {
    WebSocket ws = connect("/");
    List<WebSocketFrame> echoed = new CopyOnWriteArrayList<>();
    ws.frameHandler(echoed::add);
    Buffer first = Buffer.buffer("α-");
    ws.writeFrame(type.equals("text") ? WebSocketFrame.textFrame("α-", false) : WebSocketFrame.binaryFrame(first, false));
    ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("β-"), false));
    ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("γ"), true));

    String opening = type.equals("text") ? "TEXT" : "BINARY";
    List<String> expected = List.of(opening + "(more) α-", "CONTINUATION(more) β-", "CONTINUATION(fin) γ");
    Waits.until(() -> echoed.size() >= 3, WAIT, () -> "the echo's three frames, got " + describe(echoed));
    List<String> atServer = upstream.frames.stream()
        .map(s -> s.type() + (s.fin() ? "(fin) " : "(more) ") + new String(s.data(), StandardCharsets.UTF_8)).toList();
    assertEquals(expected, atServer, "frames at the server, in order, with FIN only on the last");
    assertEquals(expected, describe(echoed), "the server's frame-by-frame echo at the client");
    await(ws.close());
  }

  private static List<String> describe(List<WebSocketFrame> frames) {
    return frames.stream()
        .map(f -> f.type() + (f.isFinal() ? "(fin) " : "(more) ") + f.binaryData().toString(StandardCharsets.UTF_8))
        .toList();
  }

  // ---- closing ----

  static Stream<Arguments> closes() {
    return Stream.of(Leg.CLIENT, Leg.SERVER).flatMap(closer ->
        Stream.of(1000, 1001, 1011, 4000, 4999).map(code -> Arguments.of(closer, code)));
  }

  @ParameterizedTest(name = "{0} closes with {1}")
  @MethodSource("closes")
  void closeCodeAndReasonReachTheOtherPeerExactly(Leg closer, int code) {
    WebSocket ws = connect("/");
    String reason = "bye " + code + " – ✓";
    CompletableFuture<String> atClient = new CompletableFuture<>();
    ws.closeHandler(v -> atClient.complete(ws.closeStatusCode() + " " + ws.closeReason()));
    if (closer == Leg.CLIENT) {
      await(ws.close((short) code, reason));
    } else {
      ws.writeTextMessage("close " + code + " " + reason);
    }

    String client = atClient.join();
    Waits.until(() -> !upstream.closes.isEmpty(), WAIT, () -> "the server's close handler");
    String server = upstream.closes.get(0);
    if (closer == Leg.CLIENT) {
      assertEquals(code + " " + reason, server, "what the server read");
      assertTrue(client.startsWith(code + " "), () -> "the echo the client read: " + client);
    } else {
      assertEquals(code + " " + reason, client, "what the client read");
      assertTrue(server.startsWith(code + " "), () -> "the echo the server read: " + server);
    }
    Event close = proxy.timeline().events().stream().filter(e -> e.body() instanceof EventBody.Close).findFirst().orElseThrow();
    assertEquals(new EventBody.Close(closer, closer.wire(), code, reason, null), close.body(),
        () -> "the first close on the timeline\n" + LinkLedger.tail(proxy.timeline()));
  }

  // ---- refusals ----

  @ParameterizedTest
  @ValueSource(ints = {401, 403, 429, 503})
  void upstreamRejectionReachesTheClientWithStatusRetryAfterAndBody(int status) {
    upstream.rejectStatus = status;
    Throwable t = failure(client.connect(options(proxy.port(), "/")));

    UpgradeRejectedException rejected = assertInstanceOf(UpgradeRejectedException.class, t);
    assertEquals(status, rejected.getStatus());
    assertEquals("7", rejected.getHeaders().get("Retry-After"), () -> "headers " + rejected.getHeaders());
    assertEquals("maintenance", rejected.getHeaders().get("X-Reason"), () -> "headers " + rejected.getHeaders());
    assertEquals("go away " + status, rejected.getBody().toString(), "body");
    assertEquals(List.of(new EventBody.Rejected(status, "server", null)), bodies(EventBody.Rejected.class));
  }

  @Test
  void unreachableUpstreamGives502RecordedAsRejectedByTheProxy() throws IOException {
    int deadPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = s.getLocalPort(); // closed again: nothing listens there
    }
    ProxyServer p = startProxy(ProxyOptions.of(URI.create("ws://127.0.0.1:" + deadPort)));
    Throwable t = failure(client.connect(options(p.port(), "/")));

    assertEquals(502, assertInstanceOf(UpgradeRejectedException.class, t).getStatus());
    List<EventBody.Rejected> rejected = bodies(p, EventBody.Rejected.class);
    assertEquals(1, rejected.size(), () -> LinkLedger.tail(p.timeline()));
    assertEquals(502, rejected.get(0).status());
    assertEquals("proxy", rejected.get(0).by());
  }

  @Test
  void upstreamThatAcceptsTcpAndNeverAnswersGives504AfterTheUpstreamTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      AtomicInteger bytesRead = new AtomicInteger();
      CompletableFuture<Socket> accepted = CompletableFuture.supplyAsync(() -> readAndStaySilent(silent, bytesRead));
      ProxyServer p = startProxy(ProxyOptions.of(URI.create("ws://127.0.0.1:" + silent.getLocalPort()))
          .withUpstreamTimeout(Duration.ofMillis(500)));
      long start = System.nanoTime();
      Throwable t = failure(client.connect(options(p.port(), "/")));
      long tookMs = (System.nanoTime() - start) / 1_000_000;

      assertEquals(504, assertInstanceOf(UpgradeRejectedException.class, t).getStatus());
      assertTrue(tookMs >= 500 && tookMs < 3000, () -> "504 after " + tookMs + " ms, expected 500 ms and a little");
      assertTrue(bytesRead.get() > 0, "the silent upstream received the upgrade request");
      List<EventBody.Rejected> rejected = bodies(p, EventBody.Rejected.class);
      assertEquals(1, rejected.size(), () -> LinkLedger.tail(p.timeline()));
      assertEquals(504, rejected.get(0).status());
      assertEquals("proxy", rejected.get(0).by());
      accepted.get(1, TimeUnit.SECONDS).close();
    }
  }

  /** Accepts one connection and reads what comes in the background, never writing a byte. */
  private static Socket readAndStaySilent(ServerSocket listener, AtomicInteger bytesRead) {
    try {
      Socket s = listener.accept();
      Thread reader = new Thread(() -> {
        try (InputStream in = s.getInputStream()) {
          byte[] buf = new byte[4096];
          for (int n; (n = in.read(buf)) > 0; ) {
            bytesRead.addAndGet(n);
          }
        } catch (IOException ignored) {
          // the test closed the socket
        }
      }, "silent-upstream");
      reader.setDaemon(true);
      reader.start();
      return s;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---- handshake pass-through ----

  @Test
  void serverChoosesTheSubprotocolFromTheClientsOfferAndTheClientSeesItsChoice() {
    WebSocket ws = await(client.connect(options(proxy.port(), "/")
        .setSubProtocols(List.of("chat.v1", "chat.v2", "other"))));

    assertEquals("chat.v1", ws.subProtocol(), "Vert.x picks the first offer it supports");
    MultiMap atServer = upstream.handshakeHeaders.get(0);
    assertEquals(List.of("chat.v1", "chat.v2", "other"),
        HandshakeRelay.splitList(atServer.getAll("Sec-WebSocket-Protocol")), "the offer at the server, in order");
    assertEquals(List.of(new EventBody.Open("chat.v1")), bodies(EventBody.Open.class));
    await(ws.close());
  }

  @Test
  void queryStringAndEndToEndHeadersReachTheServerAndHostIsTheUpstreams() {
    String uri = "/feed/room?token=s3cr%C3%A9t&x=a%20b&x=2";
    WebSocketConnectOptions o = options(proxy.port(), uri)
        .addHeader("Authorization", "Bearer abc.def")
        .addHeader("Cookie", "session=1; theme=dark")
        .addHeader("Origin", "https://app.example")
        .addHeader("User-Agent", "wschaos-test/1.0")
        .addHeader("X-Custom", "one")
        .addHeader("X-Custom", "two")
        .addHeader("Keep-Alive", "timeout=5")
        .addHeader("Proxy-Authorization", "Basic cDpx");
    WebSocket ws = await(client.connect(o));

    assertEquals(List.of(uri), upstream.uris, "path and query at the server");
    MultiMap h = upstream.handshakeHeaders.get(0);
    assertEquals(List.of("Bearer abc.def"), h.getAll("Authorization"));
    assertEquals(List.of("session=1; theme=dark"), h.getAll("Cookie"));
    assertEquals(List.of("https://app.example"), h.getAll("Origin"));
    assertEquals(List.of("wschaos-test/1.0"), h.getAll("User-Agent"));
    assertEquals(List.of("one", "two"), h.getAll("X-Custom"), "both values, in order");
    assertEquals(List.of("127.0.0.1:" + upstream.port()), h.getAll("Host"), "Host names the upstream");
    assertEquals(List.of(), h.getAll("Keep-Alive"), "hop-by-hop");
    assertEquals(List.of(), h.getAll("Proxy-Authorization"), "hop-by-hop");
    EventBody.Attempt attempt = bodies(EventBody.Attempt.class).get(0);
    assertEquals("/feed/room", attempt.path());
    assertEquals("token=s3cr%C3%A9t&x=a%20b&x=2", attempt.query());
    await(ws.close());
  }

  @Test
  void upstreamBasePathPrefixesTheClientsPathAndQuery() {
    ProxyServer p = startProxy(ProxyOptions.of(URI.create("ws://127.0.0.1:" + upstream.port() + "/base")));
    WebSocket ws = await(client.connect(options(p.port(), "/feed?x=1")));

    assertEquals(List.of("/base/feed?x=1"), upstream.uris);
    await(ws.close());
  }

  // ---- plain HTTP on the proxy port ----

  /** A response read whole, its body handler set in the response callback. */
  private record Reply(int status, MultiMap headers, String body) {}

  /**
   * Sends a request from one Vert.x context. Called from the JUnit thread, each request would get a
   * context of its own, and on a kept-alive connection the response callback then runs on another
   * event loop than the connection's: the body can arrive before {@code body()} is asked for, and
   * the test hangs now and then (the proxy had sent the whole response: a raw client never hung).
   */
  private Reply send(HttpMethod method, String uri, Buffer body) {
    Promise<Reply> reply = Promise.promise();
    httpContext.runOnContext(v -> http.request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(proxy.port()).setURI(uri))
        .compose(r -> body == null ? r.send() : r.send(body))
        .compose(resp -> resp.body().map(b -> new Reply(resp.statusCode(), resp.headers(), b.toString())))
        .onComplete(reply));
    return await(reply.future());
  }

  @Test
  void plainHttpGetAndPostAreForwardedToTheUpstreamAndRecorded() {
    Reply get = send(HttpMethod.GET, "/token?ttl=5s", null);
    assertEquals(200, get.status());
    assertEquals("yes", get.headers().get("X-Upstream"));
    assertEquals("http:GET:/token?ttl=5s:", get.body());
    MultiMap getAtServer = upstream.handshakeHeaders.get(0);
    assertEquals(List.of(), getAtServer.getAll("Transfer-Encoding"), () -> "a GET without a body gains none: " + getAtServer);
    assertEquals(List.of(), getAtServer.getAll("Content-Length"), () -> "GET headers at the server: " + getAtServer);

    Reply post = send(HttpMethod.POST, "/negotiate", Buffer.buffer("{\"n\":1} ✓"));
    assertEquals(200, post.status());
    assertEquals("http:POST:/negotiate:{\"n\":1} ✓", post.body());
    MultiMap postAtServer = upstream.handshakeHeaders.get(1);
    assertEquals(List.of(String.valueOf("{\"n\":1} ✓".getBytes(StandardCharsets.UTF_8).length)), postAtServer.getAll("Content-Length"),
        () -> "POST headers at the server: " + postAtServer);

    Waits.until(() -> bodies(EventBody.Http.class).size() == 2, WAIT, () -> LinkLedger.tail(proxy.timeline()));
    List<EventBody.Http> recorded = bodies(EventBody.Http.class);
    assertEquals(List.of("GET /token 200", "POST /negotiate 200"),
        recorded.stream().map(e -> e.method() + " " + e.path() + " " + e.status()).toList());
    assertEquals(List.of(), bodies(EventBody.Attempt.class), "plain HTTP is no WebSocket attempt");
  }

  private <T extends EventBody> List<T> bodies(Class<T> kind) {
    return bodies(proxy, kind);
  }

  static <T extends EventBody> List<T> bodies(ProxyServer p, Class<T> kind) {
    return p.timeline().events().stream().map(Event::body).filter(kind::isInstance).map(kind::cast).toList();
  }
}
