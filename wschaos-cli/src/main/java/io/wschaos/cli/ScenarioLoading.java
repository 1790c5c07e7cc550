package io.wschaos.cli;

import io.wschaos.expect.Expectation;
import io.wschaos.fault.Fault;
import io.wschaos.scenario.Scenario;
import io.wschaos.scenario.ScenarioLoader;
import io.wschaos.spec.Catalog;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code wschaos run} needs from the scenario loader: every scenario under the given files and
 * folders, validated, or every problem found, located ({@code file:line:col: key.path: message}).
 * {@link Wiring#loader()} is the one place a loader is plugged in.
 */
@FunctionalInterface
interface ScenarioLoading {
  List<Scenario> load(List<Path> paths) throws ScenarioLoadException;

  /** The YAML loader with these catalogues. */
  static ScenarioLoading yaml(Catalog<Fault> faults, Catalog<Expectation> expectations) {
    return paths -> {
      ScenarioLoader.Loaded loaded = new ScenarioLoader(faults, expectations).load(paths);
      if (!loaded.ok()) {
        throw new ScenarioLoadException(loaded.errors().stream().map(Object::toString).toList());
      }
      return loaded.scenarios();
    };
  }

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
