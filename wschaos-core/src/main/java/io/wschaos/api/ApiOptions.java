package io.wschaos.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Where the control API listens and how it guards itself.
 *
 * @param host the address to bind (loopback by default; see docs/api.md before changing it)
 * @param port 0 picks a free port
 * @param token when set, every request needs {@code Authorization: Bearer <token>}
 * @param heartbeat how often {@code /api/events} sends a comment line to keep idle connections open
 * @param streamBytes bytes an event stream may have written and not yet sent to its reader; past
 *     that the stream stops taking events, its subscriber queue fills, and the reader later gets a
 *     {@code gap} event
 */
public record ApiOptions(String host, int port, String token, Duration heartbeat, int streamBytes) {
  public static final int DEFAULT_PORT = 8474;
  public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(15);
  public static final int DEFAULT_STREAM_BYTES = 256 * 1024;

  public ApiOptions {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(heartbeat, "heartbeat");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (token != null && token.isBlank()) {
      throw new IllegalArgumentException("an API token cannot be blank");
    }
    if (heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("heartbeat must be positive");
    }
    if (streamBytes < 1024) {
      throw new IllegalArgumentException("streamBytes must be at least 1024");
    }
  }

  /** 127.0.0.1:8474, no token, a heartbeat every 15 s. */
  public static ApiOptions defaults() {
    return new ApiOptions("127.0.0.1", DEFAULT_PORT, null, DEFAULT_HEARTBEAT, DEFAULT_STREAM_BYTES);
  }

  public ApiOptions withListen(String host, int port) {
    return new ApiOptions(host, port, token, heartbeat, streamBytes);
  }

  public ApiOptions withToken(String token) {
    return new ApiOptions(host, port, token, heartbeat, streamBytes);
  }

  public ApiOptions withHeartbeat(Duration heartbeat) {
    return new ApiOptions(host, port, token, heartbeat, streamBytes);
  }

  public ApiOptions withStreamBytes(int streamBytes) {
    return new ApiOptions(host, port, token, heartbeat, streamBytes);
  }
}
