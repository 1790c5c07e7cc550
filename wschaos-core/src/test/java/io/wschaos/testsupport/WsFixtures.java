package io.wschaos.testsupport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts the Node.js {@code ws} fixtures in {@code src/test/node/} and writes the client's script
 * steps. See the header comments of {@code ws-server.js} and {@code ws-client.js} for what they do
 * and print.
 */
public final class WsFixtures {
  public static final String SERVER_SCRIPT = "wschaos-core/src/test/node/ws-server.js";
  public static final String CLIENT_SCRIPT = "wschaos-core/src/test/node/ws-client.js";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration STARTUP = Duration.ofSeconds(5);

  private WsFixtures() {}

  /** A ws server started with these flags; returns once it listens. Close it when done. */
  public static NodeProcess startServer(String... flags) {
    NodeProcess server = NodeProcess.start(SERVER_SCRIPT, flags);
    try {
      server.awaitEvent("listening", STARTUP);
    } catch (AssertionError e) {
      server.close();
      throw e;
    }
    return server;
  }

  /** The port a server from {@link #startServer} listens on. */
  public static int port(NodeProcess server) {
    return server.awaitEvent("listening", STARTUP).get("port").asInt();
  }

  /** A ws client that connects to {@code url} and runs {@code steps}. Close it when done. */
  public static NodeProcess startClient(String url, List<Map<String, Object>> steps) {
    try {
      return NodeProcess.start(CLIENT_SCRIPT, url, JSON.writeValueAsString(steps));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("script steps are not JSON-serialisable: " + steps, e);
    }
  }

  // ---- client script steps ----

  /** Connect option: offer these subprotocols. */
  public static Map<String, Object> protocols(String... offered) {
    return Map.of("protocols", List.of(offered));
  }

  /** Connect option: handshake headers; a List value sends the header once per element. */
  public static Map<String, Object> headers(Map<String, ?> headers) {
    return Map.of("headers", new LinkedHashMap<>(headers));
  }

  /** Connect option: offer permessage-deflate. */
  public static Map<String, Object> offerDeflate() {
    return Map.of("offerDeflate", true);
  }

  /** {@code size} bytes of deterministic pseudo-random {@code "text"} (valid UTF-8) or {@code "binary"}. */
  public static Map<String, Object> send(String type, int size) {
    return Map.of("send", type, "size", size);
  }

  /** A literal text message, e.g. a server command like {@code "__handshake"}; not echo-checked. */
  public static Map<String, Object> text(String text) {
    return Map.of("text", text);
  }

  /** One text message sent as one frame per part. */
  public static Map<String, Object> sendFragmented(String... parts) {
    return Map.of("sendFragmented", Arrays.asList(parts));
  }

  /** The next messages received must be the ones sent since the last expectEcho (prints "echo" lines). */
  public static Map<String, Object> expectEcho() {
    return Map.of("expectEcho", true);
  }

  public static Map<String, Object> ping(String payload) {
    return Map.of("ping", payload);
  }

  public static Map<String, Object> close(int code, String reason) {
    return Map.of("close", List.of(code, reason));
  }

  /** Destroys the client's TCP socket without a close frame. */
  public static Map<String, Object> die() {
    return Map.of("die", true);
  }

  public static Map<String, Object> pause(int millis) {
    return Map.of("wait", millis);
  }
}
