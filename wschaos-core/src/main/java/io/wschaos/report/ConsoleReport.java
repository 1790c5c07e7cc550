package io.wschaos.report;

import io.wschaos.journal.RunJournal;
import io.wschaos.journal.SuiteJournal;
import io.wschaos.journal.VerdictEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code wschaos run} prints, as lines (pure functions; the caller prints them):
 *
 * <ul>
 *   <li>while the suite runs, a line when each run starts ({@link #started}) and, when it ends, one
 *       line for the scenario — PASS, FAIL or ERROR with its time and seed — followed by one line
 *       per failing expectation with its verdict sentence ({@link #finished});
 *   <li>at the end ({@link #summary}): with {@code --repeat}, one line per expectation saying how
 *       stable its verdict was ({@code passed 2/3}); then the closing line alone, {@code N passed, N
 *       failed}, which counts <em>scenarios</em>: a scenario passed when every run of it passed every
 *       expectation; one that failed or had an environment error in any run counts as failed, and a
 *       line before the closing one says how many of those were environment errors.
 * </ul>
 */
public final class ConsoleReport {
  private ConsoleReport() {}

  /** {@code [2/5] start reconnects-after-going-away (seed 42)}; with repeats {@code … run 2/3 …}. */
  public static String started(String scenario, long seed, int run, int runs, int index, int total) {
    return counter(index, total) + " start " + scenario + runLabel(run, runs) + " (seed " + seed + ")";
  }

  /** The scenario's line, then one line per expectation that failed or stayed undecided. */
  public static List<String> finished(RunJournal j, int index, int total) {
    List<String> out = new ArrayList<>();
    String head = counter(index, total) + " " + label(j.outcome()) + " " + j.scenario() + runLabel(j.run(), j.runs());
    String tail = "  " + seconds(j.elapsed()) + ", seed " + j.seed();
    if (j.outcome() == RunJournal.Outcome.ERROR) {
      out.add(head + tail + ": " + j.environmentError());
      return out;
    }
    out.add(head + tail + (j.endedEarly() ? " (every verdict final early)" : ""));
    for (VerdictEntry v : j.failures()) {
      out.add("        " + v.expectation() + " [" + v.verdict().status().wire() + "]: " + v.verdict().sentence());
    }
    return out;
  }

  /** Stability per expectation (with repeats), the environment-error count, and {@code N passed, N failed}. */
  public static List<String> summary(SuiteJournal suite) {
    List<String> out = new ArrayList<>();
    List<SuiteJournal.ScenarioResult> scenarios = suite.scenarios();
    if (suite.repeat() > 1) {
      out.add("stability over " + suite.repeat() + " runs:");
      for (SuiteJournal.ScenarioResult s : scenarios) {
        for (String x : s.expectations()) {
          out.add("  " + s.scenario() + " / " + x + ": passed " + s.passes(x) + "/" + s.runs().size());
        }
        long errors = s.runs().stream().filter(r -> r.outcome() == RunJournal.Outcome.ERROR).count();
        if (errors > 0) {
          out.add("  " + s.scenario() + ": " + errors + "/" + s.runs().size() + " runs had an environment error");
        }
      }
    }
    int passed = 0;
    int failed = 0;
    int errors = 0;
    for (SuiteJournal.ScenarioResult s : scenarios) {
      switch (s.outcome()) {
        case PASSED -> passed++;
        case FAILED -> failed++;
        case ERROR -> {
          failed++;
          errors++;
        }
      }
    }
    if (errors > 0) {
      out.add("(" + errors + " of the failed had an environment error)");
    }
    out.add(passed + " passed, " + failed + " failed");
    return out;
  }

  private static String counter(int index, int total) {
    String t = Integer.toString(total);
    return "[" + " ".repeat(Math.max(0, t.length() - Integer.toString(index).length())) + index + "/" + t + "]";
  }

  private static String runLabel(int run, int runs) {
    return runs > 1 ? " run " + run + "/" + runs : "";
  }

  private static String label(RunJournal.Outcome o) {
    return switch (o) {
      case PASSED -> "PASS ";
      case FAILED -> "FAIL ";
      case ERROR -> "ERROR";
    };
  }

  static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }
}
