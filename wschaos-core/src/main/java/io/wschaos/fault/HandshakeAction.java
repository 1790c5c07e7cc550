package io.wschaos.fault;

import java.util.List;
import java.util.Map;

/** How the proxy answers a handshake instead of (or before) relaying it. */
public sealed interface HandshakeAction {
  /** Answer with this HTTP status, headers and body; the server never sees the attempt. */
  record Reject(int status, Map<String, List<String>> headers, String body, String faultId) implements HandshakeAction {}

  /** Relay the handshake, but only after {@code micros}. */
  record Delay(long micros, String faultId) implements HandshakeAction {}
}
