package io.wschaos.api;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How a browser gets into an API that needs {@code --api-token} without the token in a URL, a log or
 * the page: the proxy prints {@code /ui?code=C}, a one-time code; {@code GET /ui?code=C} spends it
 * on a session cookie ({@code HttpOnly; SameSite=Strict; Path=/}) that the page's fetch and
 * EventSource calls then carry by themselves. A code or a session is random (128 bits) and knows
 * nothing of the token; a leaked, spent code opens nothing.
 */
final class UiSessions {
  static final String COOKIE = "wschaos_session";
  /** Browsers that opened the UI; the oldest is forgotten past this many. */
  private static final int MAX_SESSIONS = 64;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Set<String> codes = ConcurrentHashMap.newKeySet();
  private final Map<String, Boolean> sessions =
      java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > MAX_SESSIONS;
        }
      });

  /** A fresh one-time code for the UI's URL. */
  String newCode() {
    String c = random();
    codes.add(c);
    return c;
  }

  /** Spends {@code code}: a new session id, or null when the code was never issued or is spent. */
  String exchange(String code) {
    if (code == null || !codes.remove(code)) {
      return null;
    }
    String session = random();
    sessions.put(session, Boolean.TRUE);
    return session;
  }

  /** Whether a {@code Cookie} header carries a live session. */
  boolean valid(String cookieHeader) {
    if (cookieHeader == null) {
      return false;
    }
    for (String part : cookieHeader.split(";")) {
      String p = part.trim();
      if (p.startsWith(COOKIE + "=") && sessions.containsKey(p.substring(COOKIE.length() + 1))) {
        return true;
      }
    }
    return false;
  }

  static String setCookie(String session) {
    return COOKIE + "=" + session + "; HttpOnly; SameSite=Strict; Path=/";
  }

  private static String random() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
