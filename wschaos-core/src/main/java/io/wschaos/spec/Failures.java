package io.wschaos.spec;

import java.util.regex.Pattern;

/**
 * One readable phrase for an exception, for the console and API answers: its message, never its
 * class name. Wrappers (CompletionException, Vert.x's failed futures) carry the wrapped exception's
 * {@code toString()} as their message ("java.util.concurrent.TimeoutException"); those are skipped
 * for the cause's own message. Stack traces and class names are for {@code --verbose}.
 */
public final class Failures {
  // "java.util.concurrent.TimeoutException: …", "io.netty.channel.AbstractChannel$AnnotatedConnectException: …"
  private static final Pattern CLASS_PREFIX = Pattern.compile("^(?:[a-z][\\w]*\\.)+[A-Z][\\w$]*(?::\\s*|$)");

  private Failures() {}

  public static String describe(Throwable t) {
    for (Throwable x = t; x != null; x = x.getCause() == x ? null : x.getCause()) {
      String m = x.getMessage();
      if (m == null || m.isBlank()) {
        continue;
      }
      String stripped = m.strip();
      for (String before = null; !stripped.equals(before); ) {
        before = stripped;
        stripped = CLASS_PREFIX.matcher(stripped).replaceFirst("");
      }
      if (!stripped.isBlank()) {
        return stripped.lines().findFirst().orElse(stripped);
      }
    }
    for (Throwable x = t; x != null; x = x.getCause() == x ? null : x.getCause()) {
      if (x instanceof java.util.concurrent.TimeoutException) {
        return "timed out";
      }
    }
    return "an unexpected internal error (run with --verbose for details)";
  }
}
