package io.wschaos.scenario;

import java.util.List;
import java.util.stream.Collectors;

/** Every located error of a scenario file (or a suite), not just the first. */
public final class ScenarioException extends RuntimeException {
  private final List<ScenarioError> errors;

  public ScenarioException(List<ScenarioError> errors) {
    super(errors.stream().map(ScenarioError::toString).collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
  }

  public List<ScenarioError> errors() {
    return errors;
  }
}
