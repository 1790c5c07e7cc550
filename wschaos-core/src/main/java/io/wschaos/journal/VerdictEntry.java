package io.wschaos.journal;

import io.wschaos.expect.Verdict;

/**
 * The verdict of one expectation in one run.
 *
 * @param expectation its id: the name, or name#N when several entries share it
 * @param name the expectation's kind ({@code reconnect}, {@code delivered}…)
 */
public record VerdictEntry(String expectation, String name, Verdict verdict) {
  public boolean passed() {
    return verdict.passed();
  }
}
