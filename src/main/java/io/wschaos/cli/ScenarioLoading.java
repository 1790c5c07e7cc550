package io.wschaos.cli;

import io.wschaos.scenario.Scenario;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code wschaos run} needs from the scenario loader: every scenario under the given files and
 * folders, validated, or every problem found, located ({@code file:line:col: key.path: message}).
 * {@link RunCommand#loader} is the one place a loader is plugged in.
 */
@FunctionalInterface
interface ScenarioLoading {
  List<Scenario> load(List<Path> paths) throws ScenarioLoadException;

  /** The stand-in until io.wschaos.scenario.ScenarioLoader lands: says so, as bad input. */
  ScenarioLoading NOT_YET = paths -> {
    throw new ScenarioLoadException(List.of(
        "cannot read scenario files yet: the YAML loader (io.wschaos.scenario.ScenarioLoader) is not in this build"));
  };

  /** Every problem of the scenario files, each one line, located. Nothing runs. */
  final class ScenarioLoadException extends Exception {
    private final List<String> problems;

    ScenarioLoadException(List<String> problems) {
      super(String.join("\n", problems));
      this.problems = List.copyOf(problems);
    }

    List<String> problems() {
      return problems;
    }
  }
}
