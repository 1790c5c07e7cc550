package io.wschaos.embed;

import java.util.List;

/**
 * A fault or expectation the scenario schema refuses, with every problem located as a scenario
 * file's are: the key path (and line:column for text), what is wrong and what is allowed, e.g.
 * {@code fault.close.code: 999 is not a valid close code (1000-1014 except 1004-1006, or 3000-4999)}.
 */
public final class ConfigException extends IllegalArgumentException {
  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  /** One line per problem. */
  public List<String> problems() {
    return problems;
  }
}
