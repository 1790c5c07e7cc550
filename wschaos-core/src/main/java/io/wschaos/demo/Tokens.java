package io.wschaos.demo;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Self-contained feed tokens: {@code scope.expiresAt.nonce.signature}, signed with HMAC-SHA256.
 *
 * <p>Nothing is stored per token, so an expired token is still recognised as ours (close 4001, not
 * 401) however old it is, and tokens stay valid across a server restart that keeps the key: the
 * same JVM shares {@link #jvmKey()}, a process restart shares the key in the state file.
 */
final class Tokens {
  static final String SCOPE_FEED = "feed";
  static final String SCOPE_FORBIDDEN = "forbidden";
  static final Duration DEFAULT_TTL = Duration.ofSeconds(60);
  static final Duration MAX_TTL = Duration.ofHours(24);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] JVM_KEY = randomKey();
  private static final Pattern TTL = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
  private static final int SIGNATURE_BYTES = 16;

  /** What a valid signature vouches for. */
  record Claims(String scope, long expiresAt) {
    boolean forbidden() {
      return SCOPE_FORBIDDEN.equals(scope);
    }
  }

  private final byte[] key;

  Tokens(byte[] key) {
    this.key = key.clone();
  }

  /** One key per JVM, so tokens survive a restart of the server inside the same JVM. */
  static byte[] jvmKey() {
    return JVM_KEY.clone();
  }

  static byte[] randomKey() {
    byte[] k = new byte[32];
    RANDOM.nextBytes(k);
    return k;
  }

  String mint(String scope, long expiresAt) {
    byte[] nonce = new byte[8];
    RANDOM.nextBytes(nonce);
    String payload = scope + "." + expiresAt + "." + HexFormat.of().formatHex(nonce);
    return payload + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(sign(payload));
  }

  /** The claims of a token this key signed, or null for anything else (malformed, tampered, foreign). */
  Claims verify(String token) {
    int lastDot = token.lastIndexOf('.');
    if (lastDot < 0) {
      return null;
    }
    String payload = token.substring(0, lastDot);
    byte[] given;
    try {
      given = Base64.getUrlDecoder().decode(token.substring(lastDot + 1));
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (!MessageDigest.isEqual(given, sign(payload))) {
      return null;
    }
    String[] parts = payload.split("\\.", -1);
    if (parts.length != 3) {
      return null;
    }
    try {
      return new Claims(parts[0], Long.parseLong(parts[1]));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Parses a ttl such as {@code 300ms}, {@code 5s}, {@code 2m} or {@code 1h}; (0, 24h]. */
  static Duration parseTtl(String text) {
    Matcher m = TTL.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "ttl must be a number with a unit ms, s, m or h (e.g. 5s), got '" + text + "'");
    }
    long n = Long.parseLong(m.group(1));
    Duration d =
        switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          default -> Duration.ofHours(n);
        };
    if (d.isZero() || d.compareTo(MAX_TTL) > 0) {
      throw new IllegalArgumentException("ttl must be more than 0 and at most 24h, got '" + text + "'");
    }
    return d;
  }

  private byte[] sign(String payload) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return Arrays.copyOf(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)), SIGNATURE_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
