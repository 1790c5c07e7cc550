package io.wschaos.scenario;

import java.time.Duration;
import java.util.Map;

/**
 * The real client under test: a command (started once per instance, with WSCHAOS_URL,
 * WSCHAOS_INSTANCE, WSCHAOS_SCENARIO, WSCHAOS_SEED and {@code env}) or an external one. Neither
 * ({@code command} null, {@code external} false): the scenario leaves the client to {@code wschaos run
 * --client}.
 *
 * @param instances more than 1 for herd tests; each instance gets its own proxy port
 * @param waitFor how long an external client may take to connect (default 60 s); null unless external
 */
public record ClientSpec(String command, int instances, boolean external, Duration waitFor, Map<String, String> env) {
  /** True when the scenario names no client and {@code wschaos run --client} must give one. */
  public boolean fromCommandLine() {
    return command == null && !external;
  }
}
