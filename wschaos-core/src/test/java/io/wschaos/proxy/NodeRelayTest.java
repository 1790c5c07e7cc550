package io.wschaos.proxy;

import static io.wschaos.testsupport.WsFixtures.close;
import static io.wschaos.testsupport.WsFixtures.die;
import static io.wschaos.testsupport.WsFixtures.expectEcho;
import static io.wschaos.testsupport.WsFixtures.headers;
import static io.wschaos.testsupport.WsFixtures.offerDeflate;
import static io.wschaos.testsupport.WsFixtures.pause;
import static io.wschaos.testsupport.WsFixtures.ping;
import static io.wschaos.testsupport.WsFixtures.protocols;
import static io.wschaos.testsupport.WsFixtures.send;
import static io.wschaos.testsupport.WsFixtures.sendFragmented;
import static io.wschaos.testsupport.WsFixtures.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wschaos.testsupport.NodeProcess;
import io.wschaos.testsupport.WsFixtures;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a real WebSocket client and server rely on, checked with Node's {@code ws} on both ends.
 * Every scenario runs twice: DIRECT (client → server) proves the fixtures and the expectation,
 * PROXIED (client → proxy → server) must give the peers the same experience, except where the
 * proxy by design differs (no compression on the client leg, hop-by-hop headers).
 */
@Tag("node")
@Timeout(10)
class NodeRelayTest {
  enum Mode { DIRECT, PROXIED }

  enum Side { CLIENT, SERVER }

  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final int MAX_FRAME_MINUS_A_LITTLE = ProxyOptions.DEFAULT_MAX_FRAME - 1024;
  private static final int[] SIZES = {0, 1, 125, 126, 65535, 65536, 1 << 20, MAX_FRAME_MINUS_A_LITTLE};
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Vertx vertx;
  private final Deque<AutoCloseable> resources = new ArrayDeque<>();

  /** The ws server of one test, and the URL the client uses: the server's own, or the proxy's. */
  private record Route(NodeProcess server, int serverPort, String url) {}

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() throws Exception {
    await(vertx.close());
  }

  @AfterEach
  void stopEverything() throws Exception {
    Exception first = null;
    while (!resources.isEmpty()) {
      try {
        resources.pop().close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  // ---- payloads ----

  static Stream<Arguments> modesAndTypes() {
    return Stream.of(Mode.values()).flatMap(m -> Stream.of(Arguments.of(m, "text"), Arguments.of(m, "binary")));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("modesAndTypes")
  void messagesOfEverySizeArriveByteForByteBothWays(Mode mode, String type) {
    Route route = start(mode);
    List<Map<String, Object>> script = new ArrayList<>();
    for (int size : SIZES) {
      script.add(send(type, size));
      script.add(expectEcho());
    }
    script.add(close(1000, "done"));
    NodeProcess client = client(route, "/echo", script);

    client.awaitEvent("close", WAIT);
    List<JsonNode> sent = client.events("sent");
    List<JsonNode> echoes = client.events("echo");
    List<JsonNode> atServer = route.server().events("message");
    assertEquals(SIZES.length, echoes.size(), () -> "echo checks, one per size\n" + both(client, route));
    assertEquals(SIZES.length, atServer.size(), () -> "messages the server got\n" + both(client, route));
    for (int i = 0; i < SIZES.length; i++) {
      int size = SIZES[i];
      JsonNode out = sent.get(i);
      JsonNode in = atServer.get(i);
      assertEquals(
          type + "/" + size + "/" + out.get("sha256").asText(),
          in.get("type").asText() + "/" + in.get("size").asInt() + "/" + in.get("sha256").asText(),
          () -> "client → server: the " + size + "-byte " + type + " message changed\n" + both(client, route));
      JsonNode echo = echoes.get(i);
      assertTrue(
          echo.get("ok").asBoolean(),
          () -> "server → client: the " + size + "-byte " + type + " echo came back as " + echo.get("got")
              + "\n" + both(client, route));
    }
    assertEquals(1000, client.events("close").get(0).get("code").asInt(), () -> both(client, route));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void fragmentedMessagesArriveWhole(Mode mode) {
    Route route = start(mode);
    NodeProcess client = client(route, "/", List.of(
        sendFragmented("frag-", "ment-", "ed"),
        expectEcho(),
        text("__fragment"),
        text("__fragment binary 100000")));

    JsonNode echo = client.awaitEvent("echo", WAIT);
    assertTrue(echo.get("ok").asBoolean(), () -> "client's 3-frame text came back as " + echo + "\n" + both(client, route));
    route.server().awaitJson("the client's message, reassembled",
        j -> "message".equals(j.path("event").asText()) && j.path("size").asInt() == "frag-ment-ed".length(), WAIT);

    JsonNode textMessage = client.awaitJson("the server's 3-frame text",
        j -> "alpha-beta-gamma".equals(j.path("text").asText()), WAIT);
    assertEquals("text", textMessage.get("type").asText());
    JsonNode binarySent = route.server().awaitJson("the server's binary fragments",
        j -> "fragmented".equals(j.path("event").asText()) && "binary".equals(j.path("type").asText()), WAIT);
    String sha = binarySent.get("sha256").asText();
    JsonNode binaryMessage = client.awaitJson("the server's 3-frame binary, sha256 " + sha,
        j -> "message".equals(j.path("event").asText()) && sha.equals(j.path("sha256").asText()), WAIT);
    assertEquals(100000, binaryMessage.get("size").asInt());
    assertEquals(3, client.events("message").size(), () -> "the echo and the two fragmented messages\n"
        + both(client, route));
  }

  // ---- closing ----

  static Stream<Arguments> closes() {
    return Stream.of(Mode.values()).flatMap(m -> Stream.of(Side.values()).flatMap(s ->
        Stream.of(1000, 1001, 1011, 4000, 4999).map(code -> Arguments.of(m, s, code))));
  }

  @ParameterizedTest(name = "{0}: {1} closes with {2}")
  @MethodSource("closes")
  void closeCodeAndReasonReachTheOtherPeerExactly(Mode mode, Side closer, int code) {
    Route route = start(mode);
    String reason = "closing with " + code + " – ✓";
    NodeProcess client = client(route, "/", List.of(
        closer == Side.CLIENT ? close(code, reason) : text("__close " + code + " " + reason)));

    JsonNode atClient = client.awaitEvent("close", WAIT);
    JsonNode atServer = route.server().awaitEvent("close", WAIT);
    JsonNode atOtherPeer = closer == Side.CLIENT ? atServer : atClient;
    JsonNode atCloser = closer == Side.CLIENT ? atClient : atServer;
    assertEquals(code + " " + reason, atOtherPeer.get("code").asInt() + " " + atOtherPeer.get("reason").asText(),
        () -> "the " + (closer == Side.CLIENT ? "server" : "client") + " saw\n" + both(client, route));
    assertEquals(code, atCloser.get("code").asInt(),
        () -> "the " + closer.name().toLowerCase() + " got its close echoed with\n" + both(client, route));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void serverDyingWithoutCloseFrameGivesTheClient1006(Mode mode) {
    Route route = start(mode);
    NodeProcess client = client(route, "/", List.of(text("__die")));

    JsonNode closed = client.awaitEvent("close", WAIT);
    assertEquals(1006, closed.get("code").asInt(), () -> both(client, route));
    assertEquals("", closed.get("reason").asText());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void clientDyingWithoutCloseFrameGivesTheServer1006(Mode mode) {
    Route route = start(mode);
    NodeProcess client = client(route, "/", List.of(send("text", 10), expectEcho(), die()));

    JsonNode closed = route.server().awaitEvent("close", WAIT);
    assertEquals(1006, closed.get("code").asInt(), () -> both(client, route));
  }

  // ---- handshake ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void serverChoosesTheSubprotocolFromTheClientsOffer(Mode mode) {
    Route route = start(mode, "--protocols", "chat.v2,chat.v1");
    NodeProcess client = client(route, "/", List.of(protocols("chat.v1", "chat.v2", "other"), text("__handshake")));

    assertEquals("chat.v2", client.awaitEvent("open", WAIT).get("protocol").asText(), () -> both(client, route));
    JsonNode handshake = handshakeReply(client);
    assertEquals(List.of("chat.v1", "chat.v2", "other"), strings(handshake.get("protocols")),
        () -> "the offer as the server saw it\n" + both(client, route));
    assertEquals("chat.v2", handshake.get("protocol").asText());
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void queryStringAndEndToEndHeadersReachTheServerAndNothingIsAdded(Mode mode) {
    Route route = start(mode);
    String pathAndQuery = "/feed/room?token=s3cr%C3%A9t&x=a%20b&x=2";
    Map<String, Object> sentHeaders = new LinkedHashMap<>();
    sentHeaders.put("Authorization", "Bearer abc.def");
    sentHeaders.put("Cookie", "session=1; theme=dark");
    sentHeaders.put("Origin", "https://app.example");
    sentHeaders.put("User-Agent", "wschaos-test/1.0");
    sentHeaders.put("X-Custom", List.of("one", "two"));
    Map<String, Object> hopByHop = Map.of("Keep-Alive", "timeout=5", "Proxy-Authorization", "Basic cDpx");
    Map<String, Object> all = new LinkedHashMap<>(sentHeaders);
    all.putAll(hopByHop);
    NodeProcess client = client(route, pathAndQuery, List.of(headers(all), text("__handshake")));

    JsonNode handshake = handshakeReply(client);
    assertEquals(pathAndQuery, handshake.get("url").asText(), () -> "path and query\n" + both(client, route));
    List<String[]> raw = new ArrayList<>();
    JsonNode rawHeaders = handshake.get("rawHeaders");
    for (int i = 0; i + 1 < rawHeaders.size(); i += 2) {
      raw.add(new String[] {rawHeaders.get(i).asText().toLowerCase(), rawHeaders.get(i + 1).asText()});
    }
    for (Map.Entry<String, Object> h : sentHeaders.entrySet()) {
      List<?> values = h.getValue() instanceof List<?> l ? l : List.of(h.getValue());
      assertEquals(values, valuesOf(raw, h.getKey()), () -> h.getKey() + " at the server\n" + handshake);
    }
    assertEquals(List.of("127.0.0.1:" + route.serverPort()), valuesOf(raw, "host"), () -> handshake.toString());
    assertEquals("upgrade", String.join(",", valuesOf(raw, "connection")).toLowerCase(), () -> handshake.toString());
    assertEquals("websocket", String.join(",", valuesOf(raw, "upgrade")).toLowerCase(), () -> handshake.toString());

    List<String> expectedNames = new ArrayList<>(List.of(
        "host", "connection", "upgrade", "sec-websocket-key", "sec-websocket-version",
        "authorization", "cookie", "origin", "user-agent", "x-custom", "x-custom"));
    if (mode == Mode.DIRECT) {
      expectedNames.addAll(List.of("keep-alive", "proxy-authorization")); // no proxy to drop them
    }
    List<String> names = new ArrayList<>(raw.stream().map(h -> h[0]).toList());
    expectedNames.sort(null);
    names.sort(null);
    assertEquals(expectedNames, names, () -> "every header line the server got\n" + handshake);
  }

  static Stream<Arguments> rejections() {
    return Stream.of(Mode.values()).flatMap(m -> Stream.of(401, 403, 429, 503).map(s -> Arguments.of(m, s)));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("rejections")
  void serverRejectionReachesTheClientAsIs(Mode mode, int status) {
    Route route = start(mode, "--reject", String.valueOf(status));
    NodeProcess client = client(route, "/", List.of());

    JsonNode answer = client.awaitEvent("unexpected-response", WAIT);
    assertEquals(status, answer.get("status").asInt(), () -> both(client, route));
    assertEquals("7", answer.path("headers").path("retry-after").asText(), () -> "Retry-After in " + answer);
    assertEquals("text/plain; charset=utf-8", answer.path("headers").path("content-type").asText(),
        () -> "Content-Type in " + answer);
    assertEquals("rejected by ws-server with " + status + "\n", answer.get("body").asText());
    route.server().awaitEvent("rejected", WAIT); // the server prints it after it answered: wait for the line
    assertEquals(1, route.server().events("rejected").size(), () -> both(client, route));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void permessageDeflateIsNegotiatedDirectlyButNeverThroughTheProxy(Mode mode) {
    Route route = start(mode, "--perMessageDeflate", "on");
    NodeProcess client = client(route, "/", List.of(
        offerDeflate(), send("text", 10_000), expectEcho(), close(1000, "done")));

    JsonNode open = client.awaitEvent("open", WAIT);
    if (mode == Mode.DIRECT) {
      assertEquals("permessage-deflate", open.get("extensions").asText(), () -> both(client, route));
    } else {
      assertEquals("", open.get("extensions").asText(), () -> "the proxy's client leg negotiates no extension\n"
          + both(client, route));
      assertFalse(open.get("headers").has("sec-websocket-extensions"), () -> "101 headers: " + open);
    }
    assertTrue(client.awaitEvent("echo", WAIT).get("ok").asBoolean(), () -> both(client, route));
  }

  // ---- ping and pong ----

  @ParameterizedTest
  @EnumSource(Mode.class)
  void clientPingGetsExactlyOnePong(Mode mode) {
    Route route = start(mode);
    NodeProcess client = client(route, "/", List.of(ping("x"), pause(300), close(1000, "done")));

    client.awaitEvent("close", WAIT);
    route.server().awaitEvent("close", WAIT);
    assertEquals(List.of("x"), dataOf(client.events("pong")), () -> "pongs at the client\n" + both(client, route));
    assertEquals(List.of("x"), dataOf(route.server().events("ping")), () -> "pings at the server\n" + both(client, route));
  }

  @ParameterizedTest
  @EnumSource(Mode.class)
  void serverPingGetsExactlyOnePong(Mode mode) {
    Route route = start(mode);
    NodeProcess client = client(route, "/", List.of(text("__ping"), pause(300), close(1000, "done")));

    client.awaitEvent("close", WAIT);
    route.server().awaitEvent("close", WAIT);
    assertEquals(List.of("srv"), dataOf(client.events("ping")), () -> "pings at the client\n" + both(client, route));
    assertEquals(List.of("srv"), dataOf(route.server().events("pong")), () -> "pongs at the server\n" + both(client, route));
  }

  // ---- plumbing ----

  /** Starts a ws server with these flags and, in PROXIED mode, a proxy in front of it. */
  private Route start(Mode mode, String... serverFlags) {
    NodeProcess server = keep(WsFixtures.startServer(serverFlags));
    int port = WsFixtures.port(server);
    URI upstream = URI.create("ws://127.0.0.1:" + port);
    if (mode == Mode.DIRECT) {
      return new Route(server, port, upstream.toString());
    }
    Timeline timeline = new Timeline(Level.PREVIEW);
    resources.push(timeline);
    ProxyServer proxy = await(ProxyServer.start(vertx, ProxyOptions.of(upstream), timeline));
    resources.push(() -> await(proxy.close()));
    return new Route(server, port, "ws://127.0.0.1:" + proxy.port());
  }

  private NodeProcess client(Route route, String pathAndQuery, List<Map<String, Object>> script) {
    return keep(WsFixtures.startClient(route.url() + pathAndQuery, script));
  }

  private NodeProcess keep(NodeProcess p) {
    resources.push(p);
    return p;
  }

  private static JsonNode handshakeReply(NodeProcess client) {
    JsonNode message = client.awaitJson("the __handshake reply",
        j -> "message".equals(j.path("event").asText()) && j.path("text").asText().startsWith("{\"url\""), WAIT);
    try {
      return JSON.readTree(message.get("text").asText());
    } catch (Exception e) {
      throw new AssertionError("the __handshake reply is not JSON: " + message, e);
    }
  }

  private static List<String> valuesOf(List<String[]> raw, String name) {
    return raw.stream().filter(h -> h[0].equalsIgnoreCase(name)).map(h -> h[1]).toList();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> dataOf(List<JsonNode> events) {
    return events.stream().map(e -> e.get("data").asText()).toList();
  }

  private static String both(NodeProcess client, Route route) {
    return "client: " + client.describe() + "\nserver: " + route.server().describe();
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("a Vert.x future did not complete within 5 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Until ProxyServer is merged, PROXIED runs are skipped. Delete this class and its one use then. */
}
