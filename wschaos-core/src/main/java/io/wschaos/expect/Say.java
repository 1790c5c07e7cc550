package io.wschaos.expect;

import io.wschaos.spec.Durations;
import io.wschaos.spec.Tolerance;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** The few phrases verdict sentences share, so that every sentence prints numbers the same way. */
public final class Say {
  private Say() {}

  /** µs as "3.004 s". */
  public static String s(long micros) {
    return Durations.seconds(micros) + " s";
  }

  public static String s(Duration d) {
    return s(Durations.micros(d));
  }

  /** "3 s (±0.25 s)": a bound with the slack the tolerance gives it. */
  public static String bound(Duration d, Tolerance tol) {
    long b = Durations.micros(d);
    return s(b) + " (" + tol.describe(b) + ")";
  }

  /** The tolerance as a rule: "±(0.1 s + 5 %)". */
  public static String rule(Tolerance tol) {
    long abs = Durations.micros(tol.absolute());
    String rel = tol.relative() == 0 ? "" : " + " + trim(tol.relative() * 100) + " %";
    return rel.isEmpty() ? "±" + s(abs) : "±(" + s(abs) + rel + ")";
  }

  /** A plain number without a useless ".0": 2, 1.5, 0.333. */
  public static String trim(double x) {
    java.math.BigDecimal b = java.math.BigDecimal.valueOf(x).setScale(3, java.math.RoundingMode.HALF_UP).stripTrailingZeros();
    return b.scale() < 0 ? b.setScale(0).toPlainString() : b.toPlainString();
  }

  /** "1.02, 2.01, 3.98 s": several µs values with one unit. */
  public static String list(List<Long> micros) {
    return micros.stream().map(Durations::seconds).collect(Collectors.joining(", ")) + " s";
  }

  /** "1 attempt", "2 attempts". */
  public static String n(long count, String singular, String plural) {
    return count + " " + (count == 1 ? singular : plural);
  }

  /** "a, b and c". */
  public static String and(List<String> parts) {
    if (parts.isEmpty()) {
      return "";
    }
    if (parts.size() == 1) {
      return parts.get(0);
    }
    return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
  }
}
