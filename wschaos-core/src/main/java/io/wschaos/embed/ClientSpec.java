package io.wschaos.embed;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The client {@link WsChaos#run(java.nio.file.Path, ClientSpec)} plays a scenario against: a command
 * (started per instance with {@code WSCHAOS_URL} and the rest, like {@code wschaos run --client
 * CMD}), an external client (a URL is printed and awaited), or the scenario's own {@code client:}.
 */
public final class ClientSpec {
  private final String command;
  private final boolean external;
  private final boolean scenarios;
  private final Integer instances;
  private final Duration wait;
  private final Map<String, String> env;

  private ClientSpec(String command, boolean external, boolean scenarios, Integer instances, Duration wait, Map<String, String> env) {
    this.command = command;
    this.external = external;
    this.scenarios = scenarios;
    this.instances = instances;
    this.wait = wait;
    this.env = Map.copyOf(env);
  }

  /** Runs {@code command} under {@code /bin/sh -c} for each instance, as {@code --client CMD} does. */
  public static ClientSpec command(String command) {
    if (command == null || command.isBlank()) {
      throw new ConfigException(java.util.List.of("client: give a command"));
    }
    return new ClientSpec(command, false, false, null, null, Map.of());
  }

  /** Waits for a client started elsewhere; its URL goes to the notices (standard error by default). */
  public static ClientSpec external() {
    return new ClientSpec(null, true, false, null, null, Map.of());
  }

  /** The scenario's own {@code client:}. */
  public static ClientSpec fromScenario() {
    return new ClientSpec(null, false, true, null, null, Map.of());
  }

  /** How many instances (default: the scenario's, else 1). */
  public ClientSpec instances(int n) {
    return new ClientSpec(command, external, scenarios, n, wait, env);
  }

  /** How long an external client may take to connect (default 60 s). */
  public ClientSpec waitFor(Duration d) {
    return new ClientSpec(command, external, scenarios, instances, d, env);
  }

  /** One more environment variable for the client command. */
  public ClientSpec env(String key, String value) {
    Map<String, String> e = new LinkedHashMap<>(env);
    e.put(Objects.requireNonNull(key), Objects.requireNonNull(value));
    return new ClientSpec(command, external, scenarios, instances, wait, e);
  }

  /** The scenario's client with this spec applied. */
  io.wschaos.scenario.ClientSpec applyTo(io.wschaos.scenario.ClientSpec own) {
    if (scenarios) {
      return own;
    }
    int n = instances != null ? instances : own == null ? 1 : Math.max(1, own.instances());
    Map<String, String> merged = new LinkedHashMap<>(own == null || own.env() == null ? Map.of() : own.env());
    merged.putAll(env);
    Duration w = wait != null ? wait : own == null ? null : own.waitFor();
    return new io.wschaos.scenario.ClientSpec(command, n, external, w, merged);
  }

  @Override
  public String toString() {
    return scenarios ? "the scenario's client" : external ? "an external client" : command;
  }
}
