package io.wschaos.journal;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The journal of a whole {@code wschaos run}: every run of every scenario, in the order the
 * scenarios were given (runs of one scenario in run order), whatever order they finished in.
 *
 * @param repeat how many times each scenario ran ({@code --repeat})
 */
public record SuiteJournal(Instant started, Instant ended, int repeat, List<RunJournal> runs) {
  public SuiteJournal {
    runs = List.copyOf(runs);
  }

  /**
   * All runs of one scenario. Its outcome is the worst of its runs: ERROR if any run had an
   * environment error, else FAILED if any run failed, else PASSED.
   */
  public record ScenarioResult(String scenario, Path file, long seed, List<RunJournal> runs) {
    public RunJournal.Outcome outcome() {
      RunJournal.Outcome worst = RunJournal.Outcome.PASSED;
      for (RunJournal r : runs) {
        if (r.outcome().compareTo(worst) > 0) {
          worst = r.outcome();
        }
      }
      return worst;
    }

    /** The expectation ids in the scenario's order (from the runs that were judged). */
    public List<String> expectations() {
      List<String> ids = new ArrayList<>();
      for (RunJournal r : runs) {
        for (VerdictEntry v : r.verdicts()) {
          if (!ids.contains(v.expectation())) {
            ids.add(v.expectation());
          }
        }
      }
      return ids;
    }

    /** How many runs passed {@code expectation} (runs with an environment error count as not passed). */
    public int passes(String expectation) {
      int n = 0;
      for (RunJournal r : runs) {
        for (VerdictEntry v : r.verdicts()) {
          if (v.expectation().equals(expectation) && v.passed()) {
            n++;
          }
        }
      }
      return n;
    }

    public Duration elapsed() {
      Duration d = Duration.ZERO;
      for (RunJournal r : runs) {
        d = d.plus(r.elapsed());
      }
      return d;
    }
  }

  /** The runs grouped by scenario, in suite order. */
  public List<ScenarioResult> scenarios() {
    Map<String, List<RunJournal>> byKey = new LinkedHashMap<>();
    for (RunJournal r : runs) {
      byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
    }
    List<ScenarioResult> out = new ArrayList<>();
    for (List<RunJournal> rs : byKey.values()) {
      RunJournal first = rs.get(0);
      out.add(new ScenarioResult(first.scenario(), first.file(), first.seed(), List.copyOf(rs)));
    }
    return out;
  }

  /** The worst outcome of any run; PASSED for an empty suite. */
  public RunJournal.Outcome outcome() {
    RunJournal.Outcome worst = RunJournal.Outcome.PASSED;
    for (RunJournal r : runs) {
      if (r.outcome().compareTo(worst) > 0) {
        worst = r.outcome();
      }
    }
    return worst;
  }

  public Duration elapsed() {
    return Duration.between(started, ended);
  }
}
