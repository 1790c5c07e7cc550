package io.wschaos.proxy;

import java.util.Locale;
import java.util.Set;

/** Which request and response headers cross the proxy, and how client paths map upstream. */
final class HeaderPolicy {
  /** Never forwarded: hop-by-hop (RFC 9110 section 7.6.1) and the WebSocket handshake's own keys. */
  private static final Set<String> NEVER =
      Set.of(
          "connection",
          "upgrade",
          "keep-alive",
          "te",
          "trailer",
          "transfer-encoding",
          "host",
          "sec-websocket-key",
          "sec-websocket-accept",
          "sec-websocket-version",
          "sec-websocket-extensions",
          "sec-websocket-protocol");

  private HeaderPolicy() {}

  /**
   * True when {@code name} goes to the other side. {@code connectionTokens} is the value of the
   * message's Connection header: the names it lists are hop-by-hop too.
   */
  static boolean forwards(String name, String connectionTokens) {
    String n = name.toLowerCase(Locale.ROOT);
    if (NEVER.contains(n) || n.startsWith("proxy-") || !isToken(n)) {
      return false;
    }
    if (connectionTokens != null) {
      for (String token : connectionTokens.split(",")) {
        if (token.trim().equalsIgnoreCase(n)) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * A header name as RFC 9110 5.1 allows (a token). Netty's server reads {@code : x} as a header
   * named "" but Vert.x's client refuses to send one, and its connect then never completed.
   */
  static boolean isToken(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** {@code /base} + {@code /feed?x} → {@code /base/feed?x}; the query stays byte for byte. */
  static String upstreamUri(String basePath, String clientUri) {
    String uri = clientUri == null || clientUri.isEmpty() ? "/" : clientUri;
    if (basePath.isEmpty()) {
      return uri;
    }
    if (uri.startsWith("/?") || "/".equals(uri)) {
      return basePath + uri.substring(1);
    }
    return basePath + uri;
  }

  /**
   * Why {@code uri} cannot be sent upstream, or null when it can. Vert.x's clients parse the request
   * target as a {@link java.net.URI}; one they cannot parse ({@code //}, {@code /%zz}) makes the
   * connect throw on the event loop and never complete, so the proxy answers 400 itself instead.
   */
  static String invalidTarget(String uri) {
    try {
      java.net.URI u = new java.net.URI(uri);
      if (!uri.startsWith("/") && !u.isAbsolute()) {
        // asterisk-form (*) and authority-form (host:port) are for OPTIONS and CONNECT, never a relay
        return "the request target must be a path (/…) or an absolute URI, not '" + (uri.length() > 40 ? uri.substring(0, 40) + "…" : uri) + "'";
      }
      return null;
    } catch (java.net.URISyntaxException e) {
      return "the request target is not a valid URI (" + e.getReason() + " at index " + e.getIndex() + ")";
    }
  }
}
