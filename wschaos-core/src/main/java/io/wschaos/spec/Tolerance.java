package io.wschaos.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How lenient a duration comparison is (docs/expectations.md, "The words every expectation uses"): every bound is widened by
 * {@code absolute} plus {@code relative} of the bound — 100 ms + 5 % unless a scenario or an
 * expectation says otherwise. Verdict sentences print it.
 */
public record Tolerance(Duration absolute, double relative) {
  public static final Tolerance DEFAULT = new Tolerance(Duration.ofMillis(100), 0.05);
  /** The grammar of an expectation's {@code tolerance}: what a parameter record of type Tolerance accepts. */
  public static final String ALLOWED = "a duration (250ms), a percentage (10%), both (100ms + 5%), or {absolute: 100ms, relative: 0.05}";
  private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*%");

  public Tolerance {
    ParamException.require(absolute != null && !absolute.isNegative(), "absolute", "a tolerance cannot be negative");
    ParamException.require(relative >= 0 && relative < 1, "relative", "the relative tolerance is a fraction in [0, 1), e.g. 0.05");
  }

  /** Parses {@code n} at {@code key}; null when absent. */
  public static Tolerance parse(JsonNode n, String key) {
    if (n == null || n.isNull()) {
      return null;
    }
    try {
      if (n.isObject()) {
        for (var it = n.fieldNames(); it.hasNext(); ) {
          String k = it.next();
          ParamException.require(k.equals("absolute") || k.equals("relative"), key + "." + k, "unknown key '" + k + "' (allowed: absolute, relative)");
        }
        Duration abs = n.has("absolute") ? Durations.parse(n.get("absolute").asText()) : Duration.ZERO;
        ParamException.require(!n.has("relative") || n.get("relative").isNumber(), key + ".relative", "relative is a fraction like 0.05");
        double rel = n.has("relative") ? n.get("relative").asDouble() : 0;
        return new Tolerance(abs, rel);
      }
      ParamException.require(n.isTextual(), key, n + " is not " + ALLOWED);
      Duration abs = Duration.ZERO;
      double rel = 0;
      for (String part : n.asText().split("\\+")) {
        String p = part.trim();
        Matcher m = PERCENT.matcher(p);
        if (m.matches()) {
          rel += Double.parseDouble(m.group(1)) / 100;
        } else {
          abs = abs.plus(Durations.parse(p));
        }
      }
      return new Tolerance(abs, rel);
    } catch (ParamException e) {
      if (e.getMessage() != null && (e.key().equals("absolute") || e.key().equals("relative"))) {
        throw new ParamException(key, e.getMessage());
      }
      throw e;
    } catch (IllegalArgumentException e) {
      throw new ParamException(key, n + " is not " + ALLOWED);
    }
  }

  /** The slack allowed around {@code boundMicros}, in µs. */
  public long slackMicros(long boundMicros) {
    return Durations.micros(absolute) + Math.round(Math.abs(boundMicros) * relative);
  }

  /** True when {@code actualMicros} ≤ {@code boundMicros} + slack. */
  public boolean atMost(long actualMicros, long boundMicros) {
    return actualMicros <= boundMicros + slackMicros(boundMicros);
  }

  /** True when {@code actualMicros} ≥ {@code boundMicros} − slack. */
  public boolean atLeast(long actualMicros, long boundMicros) {
    return actualMicros >= boundMicros - slackMicros(boundMicros);
  }

  /** "±0.25 s" for a bound: what verdict sentences print. */
  public String describe(long boundMicros) {
    return "±" + Durations.seconds(slackMicros(boundMicros)) + " s";
  }
}
