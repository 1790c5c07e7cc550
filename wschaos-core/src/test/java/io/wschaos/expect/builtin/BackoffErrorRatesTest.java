package io.wschaos.expect.builtin;

import static io.wschaos.expect.TimelineBuilder.timeline;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.expect.TimelineBuilder;
import io.wschaos.expect.Verdict;
import io.wschaos.spec.Tolerance;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The measured error rates of backoff's judgement (docs/expectations.md, "How well it tells"): seeded
 * delay sequences of textbook policies and of broken ones, each with the runner's timing noise, judged
 * by {@link Backoff#decide} (the code {@link Backoff#judge} runs on a chain that ended) under the
 * default box (initial 50 ms–10 s, factor 1.2–3, cap ≤ 60 s, tolerance 0.1 s + 5 %).
 *
 * <p>At each jitter class's documented minimum number of delays: a correct policy fails in ≤ 0.1 % of
 * {@value #DRAWS} draws, a broken one passes in ≤ 1 %. {@code -Dbackoff.table=true} prints the whole
 * table (n = 4, 6, 8, 12, 16 delays) for the docs instead.
 */
class BackoffErrorRatesTest {
  static final int DRAWS = 10_000;
  static final long SEED = 20261202L;
  private static final double MS = 1000;
  private static final double S = 1_000_000;

  interface Policy {
    /** n delays in µs, as the timeline measures them. */
    long[] delays(SplittableRandom r, int n);
  }

  record Archetype(String name, boolean correct, double ownJitter, Policy policy) {}

  /** Scheduling error of runner, proxy and event loop: −5…+15 ms, and 2 % of delays up to 50 ms later still. */
  static long noisy(SplittableRandom r, double us) {
    double e = -5 * MS + r.nextDouble() * 20 * MS;
    if (r.nextDouble() < 0.02) {
      e += r.nextDouble() * 50 * MS;
    }
    return Math.max(0, Math.round(us + e));
  }

  /** E_k = min(cap, initial·factor^(k−1)), in µs. */
  static double envelope(double initialS, double factor, double capS, int k) {
    return Math.min(capS, initialS * Math.pow(factor, k - 1)) * S;
  }

  static final List<Archetype> ARCHETYPES = List.of(
      new Archetype("exponential 0.5 s ×2, cap 30 s, no jitter", true, 0, (r, n) -> {
        long[] d = new long[n];
        for (int k = 1; k <= n; k++) {
          d[k - 1] = noisy(r, envelope(0.5, 2, 30, k));
        }
        return d;
      }),
      new Archetype("reconnecting-websocket: initial 1–5 s per process, ×1.3, cap 10 s", true, 0, (r, n) -> {
        double initial = 1 + 4 * r.nextDouble();
        long[] d = new long[n];
        for (int k = 1; k <= n; k++) {
          d[k - 1] = noisy(r, envelope(initial, 1.3, 10, k));
        }
        return d;
      }),
      new Archetype("equal jitter (AWS): 0.25 s ×2, cap 5 s", true, 0.5, (r, n) -> {
        long[] d = new long[n];
        for (int k = 1; k <= n; k++) {
          double e = envelope(0.25, 2, 5, k);
          d[k - 1] = noisy(r, e / 2 + r.nextDouble() * e / 2);
        }
        return d;
      }),
      new Archetype("socket.io: 1 s ×2, max 5 s, randomizationFactor 0.5", true, 0.67, (r, n) -> {
        long[] d = new long[n];
        for (int k = 1; k <= n; k++) {
          // backo: ms = min·factor^attempts ± floor(rand·0.5·ms), the sign from another digit of rand; then min(ms, max)
          double ms = 1000 * Math.pow(2, k - 1);
          double rand = r.nextDouble();
          double dev = Math.floor(rand * 0.5 * ms);
          ms = (((int) Math.floor(rand * 10)) & 1) == 0 ? ms - dev : ms + dev;
          d[k - 1] = noisy(r, Math.min(ms, 5000) * MS);
        }
        return d;
      }),
      new Archetype("full jitter (AWS, resilient.js): 0.25 s ×2, cap 5 s", true, 1, (r, n) -> {
        long[] d = new long[n];
        for (int k = 1; k <= n; k++) {
          d[k - 1] = noisy(r, r.nextDouble() * envelope(0.25, 2, 5, k));
        }
        return d;
      }),
      new Archetype("decorrelated jitter (AWS): base 0.25 s, cap 5 s", true, 1, (r, n) -> {
        long[] d = new long[n];
        double sleep = 0.25;
        for (int k = 1; k <= n; k++) {
          // sleep = min(cap, random_between(base, sleep·3))
          sleep = Math.min(5, 0.25 + r.nextDouble() * (sleep * 3 - 0.25));
          d[k - 1] = noisy(r, sleep * S);
        }
        return d;
      }),
      new Archetype("constant 1 s", false, 0, (r, n) -> {
        long[] d = new long[n];
        for (int k = 0; k < n; k++) {
          d[k] = noisy(r, S);
        }
        return d;
      }),
      new Archetype("constant 1 s ±50 %", false, 0, (r, n) -> {
        long[] d = new long[n];
        for (int k = 0; k < n; k++) {
          d[k] = noisy(r, (0.5 + r.nextDouble()) * S);
        }
        return d;
      }),
      new Archetype("uniform in 0–2 s", false, 0, (r, n) -> {
        long[] d = new long[n];
        for (int k = 0; k < n; k++) {
          d[k] = noisy(r, r.nextDouble() * 2 * S);
        }
        return d;
      }),
      new Archetype("uniform in 0.5–3 s", false, 0, (r, n) -> {
        long[] d = new long[n];
        for (int k = 0; k < n; k++) {
          d[k] = noisy(r, (0.5 + r.nextDouble() * 2.5) * S);
        }
        return d;
      }),
      new Archetype("hot loop (0 ms)", false, 0, (r, n) -> {
        long[] d = new long[n];
        for (int k = 0; k < n; k++) {
          d[k] = noisy(r, 0);
        }
        return d;
      }),
      new Archetype("linear 1 s, 2 s, 3 s…", false, 0, (r, n) -> {
        long[] d = new long[n];
        for (int k = 1; k <= n; k++) {
          d[k - 1] = noisy(r, k * S);
        }
        return d;
      }),
      // last, so that the seeds of the archetypes above stay those of the table
      new Archetype("hot loop at 100 ms ±30 ms", false, 0, (r, n) -> {
        long[] d = new long[n];
        for (int k = 0; k < n; k++) {
          d[k] = noisy(r, (0.07 + r.nextDouble() * 0.06) * S);
        }
        return d;
      }));

  /** The jitter each class is judged at: its widest (the most lenient envelope). */
  static final double[] JITTERS = {0, 0.5, 0.75, 1};

  static BackoffEnvelope.Box box(double jitter) {
    return new BackoffEnvelope.Box(50 * MS, 10 * S, 1.2, 3, 60 * S, jitter, Tolerance.DEFAULT);
  }

  record Rates(int fail, int pass, int undecided, int draws) {
    double failRate() {
      return (double) fail / draws;
    }

    double passRate() {
      return (double) pass / draws;
    }

    double undecidedRate() {
      return (double) undecided / draws;
    }
  }

  static long seed(int archetype, int jitterClass, int n) {
    return SEED + 10_000L * archetype + 100L * jitterClass + n;
  }

  static Rates measure(int archetype, int jitterClass, int n, int draws) {
    SplittableRandom r = new SplittableRandom(seed(archetype, jitterClass, n));
    BackoffEnvelope.Box box = box(JITTERS[jitterClass]);
    int fail = 0;
    int pass = 0;
    int undecided = 0;
    for (int i = 0; i < draws; i++) {
      switch (Backoff.decide(ARCHETYPES.get(archetype).policy().delays(r, n), box)) {
        case PASS -> pass++;
        case FAIL -> fail++;
        case UNDECIDED -> undecided++;
      }
    }
    return new Rates(fail, pass, undecided, draws);
  }

  /** How often a broken policy passes ({@link Backoff#passes}: the same verdict as decide, cheaper when it is not a pass). */
  static double passRate(int archetype, int jitterClass, int n, int draws) {
    SplittableRandom r = new SplittableRandom(seed(archetype, jitterClass, n));
    BackoffEnvelope.Box box = box(JITTERS[jitterClass]);
    int pass = 0;
    for (int i = 0; i < draws; i++) {
      if (Backoff.passes(ARCHETYPES.get(archetype).policy().delays(r, n), box)) {
        pass++;
      }
    }
    return (double) pass / draws;
  }

  /** A correct policy is judged under its own jitter class and every wider one; a broken one under all. */
  static boolean judgedUnder(Archetype a, int jitterClass) {
    return !a.correct() || JITTERS[jitterClass] >= a.ownJitter() - 1e-9 && (a.ownJitter() <= 0.75 || jitterClass == 3);
  }

  /** Linear growth is growth, not a broken backoff (see the docs): the table shows it, nothing asserts it. */
  static boolean assertedBroken(Archetype a, int jitterClass) {
    return !a.correct() && !a.name().startsWith("linear");
  }

  @Test
  void atTheDocumentedMinimumCorrectPoliciesFailAtMostOneInAThousandAndBrokenOnesPassAtMostOneInAHundred() {
    if (Boolean.getBoolean("backoff.table")) {
      printTable();
      return;
    }
    List<String> wrong = new ArrayList<>();
    for (int a = 0; a < ARCHETYPES.size(); a++) {
      Archetype arch = ARCHETYPES.get(a);
      for (int j = 0; j < JITTERS.length; j++) {
        if (!judgedUnder(arch, j) || !arch.correct() && !assertedBroken(arch, j)) {
          continue;
        }
        int min = BackoffGrowth.calibration(JITTERS[j]).minDelays();
        // correct policies at the minimum; broken ones there and below it (where only an early score passes)
        for (int n : arch.correct() ? new int[] {min} : new int[] {4, min - 2, min}) {
        int draws = Integer.getInteger("backoff.draws", DRAWS);
        if (arch.correct()) {
          Rates rates = measure(a, j, n, draws);
          if (rates.failRate() > 0.001) {
            wrong.add(String.format(Locale.ROOT, "%s, jitter %s, %d delays: fails %.2f %%", arch.name(), JITTERS[j], n, 100 * rates.failRate()));
          }
        } else {
          double passes = passRate(a, j, n, draws);
          if (passes > 0.01) {
            wrong.add(String.format(Locale.ROOT, "%s, jitter %s, %d delays: passes %.2f %%", arch.name(), JITTERS[j], n, 100 * passes));
          }
        }
        }
      }
    }
    assertTrue(wrong.isEmpty(), String.join("\n", wrong));
  }

  void printTable() {
    StringBuilder out = new StringBuilder();
    int[] ns = {4, 6, 8, 12, 16};
    out.append("| archetype | jitter |");
    for (int n : ns) {
      out.append(' ').append(n).append(" |");
    }
    out.append("\n| --- | --- |").append(" --- |".repeat(ns.length)).append('\n');
    for (int a = 0; a < ARCHETYPES.size(); a++) {
      Archetype arch = ARCHETYPES.get(a);
      for (int j = 0; j < JITTERS.length; j++) {
        if (!judgedUnder(arch, j)) {
          continue;
        }
        out.append("| ").append(arch.correct() ? "✓ " : "✗ ").append(arch.name()).append(" | ").append(BackoffGrowth.calibration(JITTERS[j]).name())
            .append(" (").append(JITTERS[j]).append(") |");
        for (int n : ns) {
          Rates r = measure(a, j, n, DRAWS);
          out.append(String.format(Locale.ROOT, " %s / %s |", pct(r.failRate()), pct(r.undecidedRate())));
          if (!arch.correct()) {
            out.setLength(out.length() - 2);
            out.append(String.format(Locale.ROOT, " / **%s** |", pct(r.passRate())));
          }
        }
        out.append('\n');
      }
    }
    System.out.println(out);
  }

  private static String pct(double x) {
    return x == 0 ? "0" : String.format(Locale.ROOT, "%.2f", 100 * x);
  }

  // ---- gives up after 3: judged end to end, since it is the chain's end, not its delays ----

  @Test
  void aClientThatGivesUpAfterThreeFailedAttemptsNeverPasses() {
    SplittableRandom r = new SplittableRandom(SEED);
    int passed = 0;
    int draws = 2_000;
    for (int i = 0; i < draws; i++) {
      TimelineBuilder tl = timeline();
      tl.at(1).attempt().at(1.01).open();
      tl.at(3).abortByProxy("reset", "down");
      double t = 3 + r.nextDouble() * 0.3;
      tl.at(t).resetAttempt("down");
      for (int k = 1; k <= 2; k++) {
        t += r.nextDouble() * 0.25 * Math.pow(2, k);
        tl.at(t).resetAttempt("down");
      }
      boolean exits = i % 2 == 0;
      if (exits) {
        tl.at(t + 0.2).exited(1);
      }
      Verdict v = Expect.of("backoff: {attempts: 4, jitter: full}").judge(tl.judging(t + 70, false));
      if (v.passed()) {
        passed++;
      }
    }
    assertTrue(passed == 0, passed + " of " + draws + " passed");
  }
}
