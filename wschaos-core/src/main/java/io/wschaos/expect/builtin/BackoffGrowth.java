package io.wschaos.expect.builtin;

import io.wschaos.expect.Say;
import io.wschaos.spec.Tolerance;

/**
 * Whether one chain's delays grew, beyond fitting the envelope (DESIGN.md, "backoff must show growth
 * under every jitter mode"). With jitter j &gt; 0 the envelope's lower bound (1−j)·E_k − tol lets a
 * flat sequence fit, so growth needs evidence of its own.
 *
 * <p><b>The growth score.</b> Every jitter mode keeps d_k ≤ E_k: the upper bound is the one edge all
 * of them share, and a growing envelope is one that hugs small early delays tightly. So the score is
 * the log of the room a growing envelope saves against a flat one:
 * V = max over f of Σ_k ln(C / min(C, Î·f^(k−1))), where C = max d_k (the flattest envelope that
 * holds every delay) and Î = max_k d_k / f^(k−1) (the smallest initial whose geometric curve stays
 * above every delay). V = 0 for a constant delay; a capped policy stops adding to V once it levels
 * off but keeps what its growth earned, so a long capped tail neither helps nor hurts. Under a flat
 * policy V is the chance that its first delays happened to be small in a geometric pattern: e^−V is
 * roughly the probability of that under a fixed range from zero (the flattest null with most mass near
 * zero). V is scale-free (seconds or minutes score alike), O(n) per factor, and the factor scan runs
 * over [factor.min, min(factor.max, 3)] in {@value #FACTOR_STEPS} log-spaced steps, where the
 * thresholds were calibrated. Delays under {@value #FLOOR_MS} ms count as {@value #FLOOR_MS} ms: below
 * that, the runner's scheduling noise on a busy machine (tens of ms) decides, not the client, and a
 * hot loop's noise would otherwise look like growth.
 *
 * <p><b>The decision</b> per jitter class (thresholds and minimum delays measured by
 * BackoffErrorRatesTest, see docs/expectations.md): with fewer than {@code minDelays} delays only a
 * score of at least {@code early} decides (growth shows; from 3 delays on); from {@code minDelays}
 * on, V ≥ {@code pass} shows growth and V ≤ {@code flat} shows none (a fail); between the two the chain is as
 * likely a fixed random range as a policy that levelled off early, and the verdict is undecided.
 * Without jitter no statistics are needed: the delays show growth exactly when no flat envelope D ±
 * tol holds them all.
 *
 * <p><b>The flat band</b> (with jitter, from {@code minDelays} on, unless the score already shows
 * flatness): when one flat envelope D ± tol holds the smallest delays and all but at most
 * a tenth of the delays, every one of those left out being above it, the delays show no growth and fail. The score cannot see this at
 * 100 ms delays, where the runner's timing noise (tens of ms) is a large share of each delay and a
 * few delays held up later make the early ones look like growth; the band is the expectation's own tolerance, so noise within it cannot matter. Only
 * delays above the band may be left out because scheduling noise only ever makes a delay later; a
 * correct policy always has delays below any band its later ones share (a jittered one spreads from
 * near zero, a capped one grew to its cap), so it is never caught. Below {@code minDelays} the band
 * only withholds an early pass.
 */
final class BackoffGrowth {
  static final int FLOOR_MS = 50;
  static final int FACTOR_STEPS = 64;
  private static final double FLOOR = FLOOR_MS * 1000.0;

  /** What the delays say about growth. */
  enum State {
    GROWS,
    FLAT,
    UNCLEAR,
    TOO_FEW
  }

  /**
   * The thresholds of one jitter class: jitter fractions up to {@code upTo}.
   *
   * @param minDelays the fewest delays with which the judgement decides either way
   * @param pass the score that shows growth (without jitter: growth shows once no flat envelope fits)
   * @param flat the score at or below which (with minDelays) the delays show none
   * @param early the score that shows growth with fewer than minDelays delays (at least 3)
   */
  record Calibration(String name, double upTo, int minDelays, double pass, double flat, double early) {}

  static final Calibration NONE = new Calibration("none", 0, 8, Double.NaN, Double.NaN, 3.0);
  static final Calibration[] CLASSES = {
    NONE,
    new Calibration("equal", 0.5, 8, 4.5, 1.0, 4.5),
    new Calibration("wide", 0.75, 8, 6.0, 1.0, 6.0),
    new Calibration("full", 1, 12, 6.0, 0.5, 6.0),
  };

  /** The verdict on growth, with the sentence fragment that explains it. */
  record Growth(State state, double score, Calibration cal, String said) {}

  private BackoffGrowth() {}

  static Calibration calibration(double jitter) {
    for (Calibration c : CLASSES) {
      if (jitter <= c.upTo()) {
        return c;
      }
    }
    return CLASSES[CLASSES.length - 1];
  }

  /** The growth score V of the delays (µs), scanning factors in [fMin, min(fMax, 3)]. */
  static double score(long[] d, double fMin, double fMax) {
    int n = d.length;
    if (n < 2) {
      return 0;
    }
    double[] x = new double[n];
    double c = 0;
    for (int k = 0; k < n; k++) {
      x[k] = Math.max(d[k], FLOOR);
      c = Math.max(c, x[k]);
    }
    double lo = fMin;
    double hi = Math.max(fMin, Math.min(fMax, 3));
    double best = 0;
    for (int s = 0; s <= FACTOR_STEPS; s++) {
      double f = lo == hi ? lo : lo * Math.pow(hi / lo, (double) s / FACTOR_STEPS);
      double i = 0;
      double g = 1;
      for (int k = 0; k < n; k++) {
        i = Math.max(i, x[k] / g);
        g *= f;
      }
      double v = 0;
      g = i;
      for (int k = 0; k < n && g < c; k++) {
        v += Math.log(c / g);
        g *= f;
      }
      best = Math.max(best, v);
      if (lo == hi) {
        break;
      }
    }
    return best;
  }

  /** True when one flat envelope D ± tol holds every delay (the test without jitter). */
  static boolean flatFits(long[] d, Tolerance tol) {
    double abs = tol.slackMicros(0);
    double rel = tol.relative();
    double low = Double.NEGATIVE_INFINITY;
    double high = Double.POSITIVE_INFINITY;
    for (long x : d) {
      low = Math.max(low, (x - abs) / (1 + rel));
      high = Math.min(high, (x + abs) / (1 - rel));
    }
    return low <= high;
  }

  /**
   * The flat band of the delays (see the class comment) as "N delays all within ±X of Y s", or null
   * when there is none.
   */
  static String flatBand(long[] d, Tolerance tol) {
    int n = d.length;
    if (n == 0) {
      return null;
    }
    long[] x = d.clone();
    java.util.Arrays.sort(x);
    double abs = tol.slackMicros(0);
    double rel = tol.relative();
    double high = (x[0] + abs) / (1 - rel);
    int in = 1;
    while (in < n && (x[in] - abs) / (1 + rel) <= high) {
      in++;
    }
    int above = n - in;
    if (above > n / 10) {
      return null;
    }
    double low = (x[in - 1] - abs) / (1 + rel);
    long y = Math.round(Math.min(high, Math.max(low, x[(in - 1) / 2])));
    return Say.n(in, "delay", "delays") + (in == 1 ? " is" : " all") + " within " + tol.describe(y) + " of " + Say.s(y)
        + (above == 0 ? "" : " (" + above + " later still, as scheduling noise makes a delay)");
  }

  static Growth judge(long[] d, BackoffEnvelope.Box box) {
    Calibration cal = calibration(box.jitter());
    int n = d.length;
    String few = Say.n(n, "delay is", "delays are") + " too few to tell growth from a flat delay with jitter " + cal.name()
        + ": it takes " + cal.minDelays() + " (" + (cal.minDelays() + 1) + " attempts in a row, the last of which may open)";
    if (n < cal.minDelays()) {
      double v = score(d, box.fMin(), box.fMax());
      if (n >= 3 && v >= cal.early() && (cal != NONE || !flatFits(d, box.tol())) && (cal == NONE || flatBand(d, box.tol()) == null)) {
        return new Growth(State.GROWS, v, cal, "grew (growth score " + Say.trim(Math.round(v * 100) / 100.0) + ", ≥ " + Say.trim(cal.early())
            + " shows growth with jitter " + cal.name() + " from 3 delays on)");
      }
      return new Growth(State.TOO_FEW, v, cal, few);
    }
    if (cal == NONE) {
      if (!flatFits(d, box.tol())) {
        return new Growth(State.GROWS, Double.NaN, cal, "grew beyond the tolerance of a constant delay");
      }
      return new Growth(State.FLAT, Double.NaN, cal, "show no growth: one constant delay ± tolerance holds them all");
    }
    double v = score(d, box.fMin(), box.fMax());
    String score = "growth score " + Say.trim(Math.round(v * 100) / 100.0);
    if (v <= cal.flat()) {
      return new Growth(State.FLAT, v, cal, "show no growth (" + score + ", ≤ " + Say.trim(cal.flat()) + " with jitter " + cal.name()
          + ": what a constant delay or a fixed random range scores)");
    }
    String band = flatBand(d, box.tol());
    if (band != null) {
      return new Growth(State.FLAT, v, cal, "show no growth: " + band + " (" + score + ", which timing noise and a few late delays inflate)");
    }
    if (v >= cal.pass()) {
      return new Growth(State.GROWS, v, cal, "grew (" + score + ", ≥ " + Say.trim(cal.pass()) + " shows growth with jitter " + cal.name() + ")");
    }
    return new Growth(State.UNCLEAR, v, cal, "neither clearly grew nor stayed flat (" + score + ", between " + Say.trim(cal.flat()) + " for flat and "
        + Say.trim(cal.pass()) + " for growing with jitter " + cal.name() + "): a fixed random range and a backoff that levelled off early both score this");
  }
}
