package io.wschaos.expect.builtin;

import io.wschaos.expect.Say;
import io.wschaos.spec.Tolerance;

/**
 * The capped geometric envelope of DESIGN.md ("Expectations, exactly", backoff), and the search for
 * one that fits a client's delays.
 *
 * <p>Delays d_1..d_n fit when some initial I in [iMin, iMax], factor f in [fMin, fMax] and cap c in
 * [I·f², capMax] give E_k = min(c, I·f^(k−1)) with (1−j)·E_k − tol_k ≤ d_k ≤ E_k + tol_k for every
 * k, and, when j > 0, mean(d_k/E_k) ≥ 0.15. tol_k is the tolerance's slack around E_k (absolute +
 * relative·E_k).
 *
 * <p><b>How the search works.</b> Write the two inequalities as bounds on E_k alone:
 * E_k ≥ L_k = (d_k − abs)/(1 + rel) and E_k ≤ U_k = (d_k + abs)/((1 − j) − rel) (unbounded when
 * (1 − j) ≤ rel). For a fixed (I, f) the cap is then solved exactly: E_k = min(c, g_k) with
 * g_k = I·f^(k−1) needs g_k ≥ L_k and c ≥ L_k for every k, and c ≤ U_k wherever g_k > U_k. So c
 * must lie in [max(I·f², max L_k), min(capMax, U_k of the capped k)]; the smallest such c is taken,
 * because every E_k grows with c and the mean ratio only falls (so if any c works for the ratio, the
 * smallest does). That leaves two dimensions, searched on a grid. Since c ≥ I·f² ≥ I·f ≥ I, the
 * first three envelope values are never capped: E_1 = I, E_2 = I·f, E_3 = I·f², which pins I to
 * [L_1, U_1] and f to [L_2/I, U_2/I] ∩ [√(L_3/I), √(U_3/I)]; every later k adds f ≥ (L_k/I)^(1/(k−1)).
 * The envelope is monotone in I and f, so feasible points form a connected band inside those
 * intervals, and a grid of {@value #STEPS}×{@value #STEPS} points (log-spaced in I, linear in f,
 * endpoints included) finds it at the precision the tolerance leaves (0.1 s + 5 % by default,
 * far wider than a grid step).
 */
final class BackoffEnvelope {
  static final int STEPS = 200;
  static final double MIN_MEAN_RATIO = 0.15;
  /** µs of slack in the pruning bounds, so that floating point never drops a point on the edge. */
  private static final double EPS = 1;

  /** The parameter box, in µs (durations) and plain numbers. */
  record Box(double iMin, double iMax, double fMin, double fMax, double capMax, double jitter, Tolerance tol) {
    double slack(double bound) {
      return abs() + tol.relative() * Math.abs(bound);
    }

    /** The exact test of one delay against its envelope value (half a µs of rounding in its favour). */
    boolean within(long d, double e) {
      double s = slack(e);
      return d <= e + s + 0.5 && d >= (1 - jitter) * e - s - 0.5;
    }

    double lowerE(long d) {
      return (d - abs()) / (1 + tol.relative());
    }

    double upperE(long d) {
      double k = (1 - jitter) - tol.relative();
      return k <= 0 ? Double.POSITIVE_INFINITY : (d + abs()) / k;
    }

    private double abs() {
      return tol.slackMicros(0);
    }
  }

  /**
   * A fit, or the closest miss.
   *
   * @param worst the 1-based index of the delay that misses most (0 when it fits, or when only the
   *     mean ratio fails)
   * @param ratio mean(d_k / E_k)
   */
  record Fit(boolean fits, double initial, double factor, double cap, double capHigh, double ratio, int worst, String why) {}

  private BackoffEnvelope() {}

  static double envelope(double i, double f, double c, int k) {
    return Math.min(c, i * Math.pow(f, k - 1));
  }

  /**
   * A necessary condition, checked in O(n) before any search: the envelope never falls (f ≥ 1), so
   * every E_k ≥ E_i ≥ L_i for i &lt; k, while E_k ≤ U_k. A later delay far below an earlier one
   * (by more than the jitter band and the tolerance allow) rules out every envelope.
   */
  static boolean neverFalls(long[] d, Box box) {
    double highestLower = Double.NEGATIVE_INFINITY;
    for (long x : d) {
      if (box.upperE(x) < highestLower - EPS) {
        return false;
      }
      highestLower = Math.max(highestLower, box.lowerE(x));
    }
    return true;
  }

  /** The fit closest to the middle of the jitter band, or the closest miss with the reason. */
  static Fit fit(long[] d, Box box) {
    if (!neverFalls(d, box)) {
      return closestMiss(d, box);
    }
    Fit best = null;
    double bestScore = Double.POSITIVE_INFINITY;
    for (double i : initials(d, box)) {
      for (double f : factors(d, box, i)) {
        double c = smallestCap(d, box, i, f);
        if (Double.isNaN(c)) {
          continue;
        }
        if (!fitsExactly(d, box, i, f, c)) {
          continue;
        }
        double ratio = ratio(d, i, f, c);
        if (box.jitter() > 0 && ratio < MIN_MEAN_RATIO) {
          continue;
        }
        double mid = 1 - box.jitter() / 2;
        double score = 0;
        for (int k = 1; k <= d.length; k++) {
          double e = envelope(i, f, c, k);
          score += Math.pow((d[k - 1] - mid * e) / e, 2);
        }
        if (score < bestScore) {
          bestScore = score;
          best = new Fit(true, i, f, c, Math.max(c, largestCap(d, box, i, f)), ratio, 0, null);
        }
      }
    }
    return best != null ? best : closestMiss(d, box);
  }

  /** Whether any envelope fits: {@link #fit}'s search, stopping at the first fitting point. */
  static boolean fits(long[] d, Box box) {
    if (!neverFalls(d, box)) {
      return false;
    }
    // the point the delays suggest first (E_1 = d_1/(1 − j/2), f = d_2/d_1): a textbook policy fits there at once
    if (d.length >= 2 && d[0] > 0) {
      double i = d[0] / (1 - box.jitter() / 2);
      double f = (double) d[1] / d[0];
      if (i >= box.iMin() && i <= box.iMax() && f >= box.fMin() && f <= box.fMax()) {
        double c = smallestCap(d, box, i, f);
        if (!Double.isNaN(c) && fitsExactly(d, box, i, f, c) && (box.jitter() == 0 || ratio(d, i, f, c) >= MIN_MEAN_RATIO)) {
          return true;
        }
      }
    }
    for (double i : initials(d, box)) {
      for (double f : factors(d, box, i)) {
        double c = smallestCap(d, box, i, f);
        if (!Double.isNaN(c) && fitsExactly(d, box, i, f, c) && (box.jitter() == 0 || ratio(d, i, f, c) >= MIN_MEAN_RATIO)) {
          return true;
        }
      }
    }
    return closestMiss(d, box).fits();
  }

  /**
   * The longest next delay d_{n+1} any fitting envelope allows (E_{n+1} + tol), in µs; NaN when no
   * envelope fits. With no delays yet, that is iMax plus its slack.
   */
  static double longestNext(long[] d, Box box) {
    double best = Double.NaN;
    int next = d.length + 1;
    for (double i : initials(d, box)) {
      for (double f : factors(d, box, i)) {
        double cLow = smallestCap(d, box, i, f);
        if (Double.isNaN(cLow)) {
          continue;
        }
        double cHigh = largestCap(d, box, i, f);
        if (box.jitter() > 0) {
          if (ratio(d, i, f, cLow) < MIN_MEAN_RATIO) {
            continue;
          }
          // the ratio falls as c grows: the largest c that keeps it (bisection)
          if (ratio(d, i, f, cHigh) < MIN_MEAN_RATIO) {
            double lo = cLow;
            double hi = cHigh;
            for (int n = 0; n < 40; n++) {
              double mid = (lo + hi) / 2;
              if (ratio(d, i, f, mid) >= MIN_MEAN_RATIO) {
                lo = mid;
              } else {
                hi = mid;
              }
            }
            cHigh = lo;
          }
        }
        double e = envelope(i, f, cHigh, next);
        double allowed = e + box.slack(e);
        if (Double.isNaN(best) || allowed > best) {
          best = allowed;
        }
      }
    }
    return best;
  }

  /** Every delay within its band for (I, f, c): the definition itself, checked point by point. */
  static boolean fitsExactly(long[] d, Box box, double i, double f, double c) {
    if (c < i * f * f - EPS || c > box.capMax() + EPS) {
      return false;
    }
    double g = i;
    for (int k = 1; k <= d.length; k++, g *= f) {
      if (!box.within(d[k - 1], Math.min(c, g))) {
        return false;
      }
    }
    return true;
  }

  /** The smallest cap that fits (I, f), or NaN when none does. */
  static double smallestCap(long[] d, Box box, double i, double f) {
    double low = i * f * f;
    double g = i / f;
    for (int k = 1; k <= d.length; k++) {
      g *= f;
      double lk = box.lowerE(d[k - 1]);
      if (g < lk - EPS) {
        return Double.NaN;
      }
      low = Math.max(low, lk);
    }
    double high = largestCap(d, box, i, f);
    return low <= high + EPS ? Math.min(low, Math.max(high, i * f * f)) : Double.NaN;
  }

  private static double largestCap(long[] d, Box box, double i, double f) {
    double high = box.capMax();
    double g = i / f;
    for (int k = 1; k <= d.length; k++) {
      g *= f;
      double uk = box.upperE(d[k - 1]);
      if (g > uk + EPS) {
        high = Math.min(high, uk);
      }
    }
    return high;
  }

  static double ratio(long[] d, double i, double f, double c) {
    if (d.length == 0) {
      return 1;
    }
    double sum = 0;
    double g = i;
    for (int k = 1; k <= d.length; k++, g *= f) {
      sum += d[k - 1] / Math.min(c, g);
    }
    return sum / d.length;
  }

  private static double[] initials(long[] d, Box box) {
    double lo = box.iMin();
    double hi = box.iMax();
    if (d.length >= 1) {
      lo = Math.max(lo, box.lowerE(d[0]) - EPS);
      hi = Math.min(hi, box.upperE(d[0]) + EPS);
    }
    // the point the delays themselves suggest, E_1 = d_1 / (1 − j/2), besides the grid
    return withCandidate(logSpaced(lo, hi), lo, hi, d.length >= 1 ? d[0] / (1 - box.jitter() / 2) : Double.NaN);
  }

  private static double[] factors(long[] d, Box box, double i) {
    double lo = box.fMin();
    double hi = box.fMax();
    double slackF = 1e-9; // relative, for floating point at the edges
    if (d.length >= 2) {
      lo = Math.max(lo, (box.lowerE(d[1]) - EPS) / i);
      hi = Math.min(hi, (box.upperE(d[1]) + EPS) / i);
    }
    if (d.length >= 3) {
      lo = Math.max(lo, Math.sqrt(Math.max(0, box.lowerE(d[2]) - EPS) / i));
      hi = Math.min(hi, Math.sqrt((box.upperE(d[2]) + EPS) / i));
    }
    for (int k = 4; k <= d.length; k++) {
      lo = Math.max(lo, Math.pow(Math.max(0, box.lowerE(d[k - 1]) - EPS) / i, 1.0 / (k - 1)));
    }
    hi = Math.min(hi, Math.sqrt((box.capMax() + EPS) / i)); // c ≥ I·f² and c ≤ capMax
    lo = Math.max(box.fMin(), lo * (1 - slackF));
    hi = Math.min(box.fMax(), hi * (1 + slackF));
    // the growth the delays themselves suggest, d_2/d_1 and √(d_3/d_1), besides the grid
    double[] grid = withCandidate(linear(lo, hi), lo, hi, d.length >= 2 && d[0] > 0 ? (double) d[1] / d[0] : Double.NaN);
    return withCandidate(grid, lo, hi, d.length >= 3 && d[0] > 0 ? Math.sqrt((double) d[2] / d[0]) : Double.NaN);
  }

  private static double[] withCandidate(double[] grid, double lo, double hi, double candidate) {
    if (Double.isNaN(candidate) || candidate < lo || candidate > hi || grid.length == 0) {
      return grid;
    }
    double[] out = java.util.Arrays.copyOf(grid, grid.length + 1);
    out[grid.length] = candidate;
    return out;
  }

  private static double[] logSpaced(double lo, double hi) {
    if (!(lo <= hi) || hi <= 0) {
      return new double[0];
    }
    lo = Math.max(lo, 1);
    if (lo >= hi) {
      return new double[] {hi};
    }
    double[] out = new double[STEPS + 1];
    double r = Math.log(hi / lo);
    for (int n = 0; n <= STEPS; n++) {
      out[n] = lo * Math.exp(r * n / STEPS);
    }
    out[STEPS] = hi;
    return out;
  }

  private static double[] linear(double lo, double hi) {
    if (!(lo <= hi)) {
      return new double[0];
    }
    if (lo == hi) {
      return new double[] {lo};
    }
    double[] out = new double[STEPS + 1];
    for (int n = 0; n <= STEPS; n++) {
      out[n] = lo + (hi - lo) * n / STEPS;
    }
    out[STEPS] = hi;
    return out;
  }

  /** Over the whole box: the (I, f) whose worst delay misses by the least, and what misses. */
  private static Fit closestMiss(long[] d, Box box) {
    double bestMiss = Double.POSITIVE_INFINITY;
    Fit best = null;
    int steps = 60;
    for (int a = 0; a <= steps; a++) {
      double i = box.iMin() * Math.pow(box.iMax() / box.iMin(), (double) a / steps);
      for (int b = 0; b <= steps; b++) {
        double f = box.fMin() + (box.fMax() - box.fMin()) * b / steps;
        double c = Math.min(box.capMax(), i * f * f);
        for (int k = 1; k <= d.length; k++) {
          c = Math.max(c, Math.min(box.capMax(), box.lowerE(d[k - 1])));
        }
        if (i * f * f > box.capMax()) {
          continue;
        }
        double miss = 0;
        int worst = 0;
        boolean above = false;
        double g = i;
        for (int k = 1; k <= d.length; k++, g *= f) {
          double e = Math.min(c, g);
          double s = box.slack(e);
          double over = (d[k - 1] - (e + s)) / e;
          double under = (((1 - box.jitter()) * e - s) - d[k - 1]) / e;
          if (over > miss) {
            miss = over;
            worst = k;
            above = true;
          }
          if (under > miss) {
            miss = under;
            worst = k;
            above = false;
          }
        }
        double ratio = ratio(d, i, f, c);
        boolean lowRatio = false;
        if (miss == 0 && box.jitter() > 0 && ratio < MIN_MEAN_RATIO) {
          miss = (MIN_MEAN_RATIO - ratio) * 1e-3; // a smaller miss than any delay outside the band
          lowRatio = true;
        }
        if (miss == 0 && (box.jitter() == 0 || ratio >= MIN_MEAN_RATIO)) {
          return new Fit(true, i, f, c, Math.max(c, largestCap(d, box, i, f)), ratio, 0, null); // between the fine grid's points
        }
        if (miss < bestMiss) {
          bestMiss = miss;
          best = new Fit(false, i, f, c, c, ratio, worst, lowRatio ? null : above ? "above" : "below");
        }
      }
    }
    if (best == null) {
      return new Fit(false, box.iMin(), box.fMin(), box.capMax(), box.capMax(), 0, 0, "even the smallest initial·factor² is above cap.max");
    }
    return new Fit(false, best.initial(), best.factor(), best.cap(), best.capHigh(), best.ratio(), best.worst(), why(d, box, best));
  }

  /** The sentence for the closest miss, built once (not in the search loop). */
  private static String why(long[] d, Box box, Fit miss) {
    if (miss.why() == null) {
      return "mean(d/E) = " + Say.trim(miss.ratio()) + " is below " + MIN_MEAN_RATIO + " (a hot loop under the jitter's zero lower bound)";
    }
    int k = miss.worst();
    double e = envelope(miss.initial(), miss.factor(), miss.cap(), k);
    double s = box.slack(e);
    if (miss.why().equals("above")) {
      return "d" + k + " = " + Say.s(d[k - 1]) + " is above E" + k + " + tol = " + Say.s(Math.round(e + s));
    }
    return "d" + k + " = " + Say.s(d[k - 1]) + " is below " + (box.jitter() > 0 ? "(1 − j)·E" + k : "E" + k) + " − tol = "
        + Say.s(Math.round((1 - box.jitter()) * e - s));
  }
}
