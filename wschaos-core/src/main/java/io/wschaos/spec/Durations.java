package io.wschaos.spec;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as scenario files write them: {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 1m}, {@code 1h}. */
public final class Durations {
  private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(us|ms|s|m|h)");

  /** What a duration looks like, for error messages. */
  public static final String ALLOWED = "a duration like 250ms, 2s, 1.5s, 1m";

  /**
   * The longest duration anything accepts (scenario files, faults, the control API, flags): a day.
   * Longer is a typo, and unbounded values overflow the µs arithmetic of timers and verdicts.
   */
  public static final Duration MAX = Duration.ofHours(24);

  private Durations() {}

  /** Parses {@code text}; throws IllegalArgumentException saying what is allowed. */
  public static Duration parse(String text) {
    Matcher m = FORM.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not " + ALLOWED);
    }
    double n = Double.parseDouble(m.group(1));
    double nanosPerUnit =
        switch (m.group(2)) {
          case "us" -> 1e3;
          case "ms" -> 1e6;
          case "s" -> 1e9;
          case "m" -> 60e9;
          default -> 3600e9;
        };
    double nanos = n * nanosPerUnit;
    if (nanos > MAX.toNanos()) {
      throw new IllegalArgumentException("'" + text.trim() + "' is longer than the maximum, " + format(MAX));
    }
    return Duration.ofNanos(Math.round(nanos));
  }

  /** The shortest form that parses back to {@code d}: 250ms, 2s, 1.5s. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (d.toNanos() % 1_000_000 != 0) {
      return (d.toNanos() / 1000) + "us";
    }
    if (ms % 3_600_000 == 0 && ms > 0) {
      return (ms / 3_600_000) + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return (ms / 60_000) + "m";
    }
    if (ms % 1000 == 0 && ms > 0) {
      return (ms / 1000) + "s";
    }
    return ms + "ms";
  }

  /** µs as seconds with up to three decimals, for sentences: 3.004, 0.25, 6.206. */
  public static String seconds(long micros) {
    java.math.BigDecimal s = java.math.BigDecimal.valueOf(micros).movePointLeft(6).setScale(3, java.math.RoundingMode.HALF_UP);
    return s.stripTrailingZeros().toPlainString();
  }

  public static long micros(Duration d) {
    return d == null ? 0 : d.toNanos() / 1000;
  }
}
