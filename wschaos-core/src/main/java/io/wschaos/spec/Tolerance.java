package io.wschaos.spec;

import java.time.Duration;

/**
 * How lenient a duration comparison is (DESIGN.md, Exact semantics): every bound is widened by
 * {@code absolute} plus {@code relative} of the bound — 100 ms + 5 % unless a scenario or an
 * expectation says otherwise. Verdict sentences print it.
 */
public record Tolerance(Duration absolute, double relative) {
  public static final Tolerance DEFAULT = new Tolerance(Duration.ofMillis(100), 0.05);

  public Tolerance {
    ParamException.require(absolute != null && !absolute.isNegative(), "absolute", "a tolerance cannot be negative");
    ParamException.require(relative >= 0 && relative < 1, "relative", "the relative tolerance is a fraction in [0, 1), e.g. 0.05");
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
