package io.wschaos.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Set;

/**
 * What every request must pass before it reaches a route, in this order:
 *
 * <ol>
 *   <li>its {@code Host} names this machine — localhost, 127.0.0.1, [::1] or the address the API is
 *       bound to — else 403: a web page whose domain was re-pointed at 127.0.0.1 (DNS rebinding)
 *       sends its own domain as the Host;
 *   <li>an {@code Origin}, when a browser sends one, names this machine the same way, else 403: a page
 *       elsewhere may not drive the proxy through the user's browser;
 *   <li>with a token, {@code Authorization: Bearer <token>} or the live UI's session cookie
 *       ({@link UiSessions}), else 401.
 * </ol>
 *
 * <p>Exactly one {@code Host}, else 400 (RFC 9112 §3.2), in HTTP/1.0 too. After routing, so that a
 * wrong method is 405 first, {@link #jsonBody} asks a POST for {@code Content-Type:
 * application/json}, else 415: no HTML form or "simple" cross-site request can do that without a
 * CORS preflight, which this API never grants.
 */
final class RequestGuard implements Handler<RoutingContext> {
  private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

  private final Set<String> hosts;
  private final byte[] token;
  private final UiSessions sessions;

  /** @param bindHost the address the API listens on; accepted as a Host too unless it is a wildcard */
  RequestGuard(String bindHost, String token, UiSessions sessions) {
    this.sessions = sessions;
    String bound = bracket(bindHost.toLowerCase(Locale.ROOT));
    boolean wildcard = bound.equals("0.0.0.0") || bound.equals("[::]") || bound.equals("[0:0:0:0:0:0:0:0]");
    this.hosts = wildcard || LOOPBACK.contains(bound) ? LOOPBACK : Set.of("localhost", "127.0.0.1", "[::1]", bound);
    this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void handle(RoutingContext ctx) {
    try {
      check(ctx.request());
    } catch (ApiError e) {
      e.send(ctx.response());
      return;
    }
    ctx.next();
  }

  private void check(HttpServerRequest req) {
    java.util.List<String> hostHeaders = req.headers().getAll(HttpHeaders.HOST);
    if (hostHeaders.isEmpty()) {
      throw new ApiError(400, "a Host header is required (naming this machine: " + String.join(", ", hosts) + ")");
    }
    if (hostHeaders.size() > 1) {
      throw new ApiError(400, "more than one Host header");
    }
    String host = hostHeaders.get(0);
    if (!hosts.contains(hostName(host))) {
      throw new ApiError(
          403,
          "the Host header must name this machine (" + String.join(", ", hosts) + "), got " + quote(host)
              + "; the API refuses other names to defeat DNS rebinding");
    }
    String origin = req.getHeader(HttpHeaders.ORIGIN);
    if (origin != null && !hosts.contains(originHost(origin))) {
      throw new ApiError(403, "cross-origin requests are refused (Origin " + quote(origin) + ")");
    }
    if (token != null && !authorized(req.getHeader(HttpHeaders.AUTHORIZATION)) && !streamToken(req)
        && !sessions.valid(req.getHeader(HttpHeaders.COOKIE)) && !uiCode(req)) {
      throw new ApiError(401, "this API needs 'Authorization: Bearer <token>' (the proxy was started with --api-token)");
    }
  }

  /** A route's handler before one that reads a JSON body: 415 unless the request says application/json. */
  static void jsonBody(RoutingContext ctx) {
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (!isJson(type)) {
      new ApiError(415, "request bodies must be application/json, got " + (type == null ? "no Content-Type" : quote(type))).send(ctx.response());
      return;
    }
    ctx.next();
  }

  /** {@code GET /ui?code=…}: the UI's handler spends the code (or answers 401 itself). */
  private static boolean uiCode(HttpServerRequest req) {
    return req.method() == HttpMethod.GET && "/ui".equals(req.path()) && req.getParam("code") != null;
  }

  /**
   * A browser's EventSource cannot send headers, so the event stream (GET only, read-only) also
   * takes the token as {@code ?token=}.
   */
  private boolean streamToken(io.vertx.core.http.HttpServerRequest req) {
    String t = req.method() == HttpMethod.GET && "/api/events".equals(req.path()) ? req.getParam("token") : null;
    return t != null && MessageDigest.isEqual(t.getBytes(StandardCharsets.UTF_8), token);
  }

  private boolean authorized(String header) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token); // constant time: the token leaks nothing through timing
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semi = contentType.indexOf(';');
    String media = (semi < 0 ? contentType : contentType.substring(0, semi)).trim();
    return media.equalsIgnoreCase(Json.TYPE);
  }

  /** The name part of a Host header, lowercase, IPv6 kept in brackets: {@code [::1]:8474} → {@code [::1]}. */
  static String hostName(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end < 0 ? h : h.substring(0, end + 1);
    }
    int colon = h.indexOf(':');
    return colon < 0 ? h : h.substring(0, colon);
  }

  private static String originHost(String origin) {
    try {
      URI u = new URI(origin.trim());
      if (u.getHost() == null || !("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme()))) {
        return "";
      }
      return bracket(u.getHost().toLowerCase(Locale.ROOT));
    } catch (URISyntaxException e) {
      return "";
    }
  }

  private static String bracket(String host) {
    return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  }

  private static String quote(String s) {
    if (s == null) {
      return "none";
    }
    return "'" + (s.length() > 100 ? s.substring(0, 100) + "…" : s) + "'";
  }
}
