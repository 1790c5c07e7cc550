package io.wschaos.timeline;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Hides secrets in what the timeline writes out (JSONL files, exports), never in memory: the
 * {@code handshake} expectation judges the raw handshake.
 *
 * <p>A secret becomes {@code ***} plus the first 6 hex digits of its SHA-256 ({@code ***3fa2c1}),
 * so that equal secrets stay visibly equal. Secrets are the values of the headers Authorization,
 * Proxy-Authorization, Cookie and Set-Cookie, and of the query parameters whose key contains
 * (case-insensitively) token, key, secret, pass, auth or sig. Empty values stay empty.
 */
public final class Redactor {
  /** Redacts. The default for every file and export. */
  public static final Redactor ON = new Redactor(true);
  /** Writes everything as recorded ({@code --no-redact}). */
  public static final Redactor OFF = new Redactor(false);

  private static final Set<String> SECRET_HEADERS =
      Set.of("authorization", "proxy-authorization", "cookie", "set-cookie");
  private static final Pattern SECRET_QUERY_KEY =
      Pattern.compile("token|key|secret|pass|auth|sig", Pattern.CASE_INSENSITIVE);
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final boolean enabled;

  private Redactor(boolean enabled) {
    this.enabled = enabled;
  }

  public static Redactor of(boolean redact) {
    return redact ? ON : OFF;
  }

  public boolean enabled() {
    return enabled;
  }

  /** {@code e} with its secrets masked; the same instance when there was nothing to mask. */
  public Event apply(Event e) {
    EventBody b = apply(e.body());
    return b == e.body() ? e : new Event(e.seq(), e.t(), e.link(), e.client(), e.phase(), b);
  }

  /** {@code body} with its secrets masked; the same instance when there was nothing to mask. */
  public EventBody apply(EventBody body) {
    if (!enabled) {
      return body;
    }
    if (body instanceof EventBody.Attempt a) {
      Map<String, List<String>> headers = headers(a.headers());
      String query = query(a.query());
      if (headers == a.headers() && query == a.query()) {
        return a;
      }
      return new EventBody.Attempt(a.remote(), a.path(), query, headers, a.subprotocols(), a.extensions());
    }
    if (body instanceof EventBody.Http h) {
      String path = pathAndQuery(h.path());
      return path == h.path() ? h : new EventBody.Http(h.method(), path, h.status(), h.micros());
    }
    return body;
  }

  /** The headers with secret values masked, in the same order; the same map when none is secret. */
  public Map<String, List<String>> headers(Map<String, List<String>> headers) {
    if (!enabled || headers == null) {
      return headers;
    }
    boolean any = false;
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      if (isSecretHeader(h.getKey()) && h.getValue() != null && !h.getValue().isEmpty()) {
        any = true;
        break;
      }
    }
    if (!any) {
      return headers;
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      List<String> values = h.getValue();
      if (isSecretHeader(h.getKey()) && values != null) {
        values = values.stream().map(Redactor::mask).toList();
      }
      out.put(h.getKey(), values);
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * A raw query string (without {@code ?}) with the values of secret keys masked; every other
   * byte, including the order, separators, encoding and parameters without a value, is kept.
   * The same string when nothing is secret.
   */
  public String query(String rawQuery) {
    if (!enabled || rawQuery == null || rawQuery.isEmpty()) {
      return rawQuery;
    }
    String[] parts = rawQuery.split("&", -1);
    boolean changed = false;
    for (int i = 0; i < parts.length; i++) {
      int eq = parts[i].indexOf('=');
      if (eq <= 0 || eq == parts[i].length() - 1) {
        continue;
      }
      if (isSecretQueryKey(decode(parts[i].substring(0, eq)))) {
        parts[i] = parts[i].substring(0, eq + 1) + mask(parts[i].substring(eq + 1));
        changed = true;
      }
    }
    return changed ? String.join("&", parts) : rawQuery;
  }

  /** A request target {@code /path?query} with its query redacted. */
  public String pathAndQuery(String target) {
    if (!enabled || target == null) {
      return target;
    }
    int q = target.indexOf('?');
    if (q < 0) {
      return target;
    }
    String query = target.substring(q + 1);
    String redacted = query(query);
    return redacted == query ? target : target.substring(0, q + 1) + redacted;
  }

  public static boolean isSecretHeader(String name) {
    return name != null && SECRET_HEADERS.contains(name.toLowerCase(Locale.ROOT));
  }

  /** True when the (decoded) query key contains token, key, secret, pass, auth or sig. */
  public static boolean isSecretQueryKey(String key) {
    return key != null && SECRET_QUERY_KEY.matcher(key).find();
  }

  /** {@code ***} and the first 6 hex digits of the SHA-256 of the value's UTF-8 bytes. */
  public static String mask(String secret) {
    if (secret == null || secret.isEmpty()) {
      return secret;
    }
    byte[] digest = sha256().digest(secret.getBytes(StandardCharsets.UTF_8));
    char[] out = new char[9];
    out[0] = out[1] = out[2] = '*';
    for (int i = 0; i < 3; i++) {
      out[3 + 2 * i] = HEX[(digest[i] >> 4) & 0xf];
      out[4 + 2 * i] = HEX[digest[i] & 0xf];
    }
    return new String(out);
  }

  private static String decode(String key) {
    try {
      return URLDecoder.decode(key, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException badEscape) {
      return key;
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
