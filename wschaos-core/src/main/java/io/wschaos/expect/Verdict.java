package io.wschaos.expect;

import java.util.List;

/**
 * The outcome of one expectation.
 *
 * @param status pass, fail, or undecided (counts as a fail; the sentence says what was missing)
 * @param isFinal no later event can change it (the run may end early once every verdict is final)
 * @param sentence one readable sentence with the measured numbers and the tolerance
 * @param evidence the {@code seq} of the events it rests on
 */
public record Verdict(Status status, boolean isFinal, String sentence, List<Long> evidence) {
  public enum Status {
    PASS,
    FAIL,
    UNDECIDED;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public Verdict {
    evidence = List.copyOf(evidence);
  }

  public boolean passed() {
    return status == Status.PASS;
  }

  public static Verdict pass(boolean isFinal, String sentence, List<Long> evidence) {
    return new Verdict(Status.PASS, isFinal, sentence, evidence);
  }

  public static Verdict fail(String sentence, List<Long> evidence) {
    return new Verdict(Status.FAIL, true, sentence, evidence);
  }

  /** Not decided yet: final only once the run is over. */
  public static Verdict undecided(boolean runOver, String missing, List<Long> evidence) {
    return new Verdict(Status.UNDECIDED, runOver, missing, evidence);
  }
}
