package io.wschaos.spec;

import java.util.List;
import java.util.stream.Collectors;

/** Every problem found in a spec, not just the first. */
public final class SpecException extends RuntimeException {
  private final List<Problem> problems;

  public SpecException(List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }
}
