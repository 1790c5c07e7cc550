package io.wschaos.embed;

import io.wschaos.expect.builtin.BuiltinExpectations;
import io.wschaos.fault.builtin.BuiltinFaults;
import io.wschaos.journal.RunJournal;
import io.wschaos.journal.SuiteJournal;
import io.wschaos.runner.ScenarioRunner;
import io.wschaos.runner.SuiteRunner;
import io.wschaos.scenario.Scenario;
import io.wschaos.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * wschaos from Java: a proxy in this JVM ({@link #proxy()}), scenario files played as {@code wschaos
 * run} plays them ({@link #run}), and the builtin feed server ({@link #feed()}). No Vert.x type
 * appears in this package's signatures.
 */
public final class WsChaos {
  private WsChaos() {}

  /** A proxy to configure: {@code WsChaos.proxy().upstream(URI.create("ws://127.0.0.1:9000")).start()}. */
  public static WsChaosProxy.Builder proxy() {
    return new WsChaosProxy.Builder();
  }

  /** The builtin feed server to configure: {@code WsChaos.feed().rate(20).start()}. */
  public static Feed.Builder feed() {
    return new Feed.Builder();
  }

  /**
   * Plays the scenario file {@code scenario} against {@code client}, exactly as {@code wschaos run
   * --client …} does (server, proxy, client, faults, judging, teardown), and returns its journal:
   * {@link RunJournal#verdicts()} (each with the runner's verdict), {@link RunJournal#outcome()}, the
   * environment error if any, and the timeline. Blocks until the run is over.
   *
   * @throws ConfigException when the file is invalid (every problem located, {@code file:line:col: key: …})
   */
  public static RunJournal run(Path scenario, ClientSpec client) {
    List<Scenario> loaded = load(scenario, client);
    if (loaded.size() != 1) {
      throw new ConfigException(List.of(scenario + ": holds " + loaded.size() + " scenarios; runSuite plays a folder"));
    }
    return runSuite(loaded).runs().get(0);
  }

  /** Plays every scenario under {@code path} (a file or a folder, as {@code wschaos run PATH}), one after another. */
  public static SuiteJournal runSuite(Path path, ClientSpec client) {
    return runSuite(load(path, client));
  }

  private static SuiteJournal runSuite(List<Scenario> scenarios) {
    ScenarioRunner.Options options = ScenarioRunner.Options.defaults().withNotices(line -> System.err.println("wschaos: " + line));
    try (SuiteRunner suite = new SuiteRunner(1, options)) {
      return suite.run(scenarios, 1, new SuiteRunner.Listener() {});
    }
  }

  private static List<Scenario> load(Path path, ClientSpec client) {
    Objects.requireNonNull(path, "scenario");
    Objects.requireNonNull(client, "client");
    ScenarioLoader.Loaded loaded = new ScenarioLoader(BuiltinFaults.catalog(), BuiltinExpectations.catalog()).load(List.of(path));
    if (!loaded.ok()) {
      throw new ConfigException(loaded.errors().stream().map(Object::toString).toList());
    }
    if (loaded.scenarios().isEmpty()) {
      throw new ConfigException(List.of(path + ": no scenario files"));
    }
    List<String> problems = new ArrayList<>();
    List<Scenario> out = new ArrayList<>();
    for (Scenario s : loaded.scenarios()) {
      String where = s.file() != null ? s.file().toString() : s.name();
      io.wschaos.scenario.ClientSpec c = client.applyTo(s.client());
      if (s.expectations() == null || s.expectations().isEmpty()) {
        problems.add(where + ": expect: a scenario needs at least one expectation");
      }
      if (c == null || !c.external() && (c.command() == null || c.command().isBlank())) {
        problems.add(where + ": client: no client command (give ClientSpec.command(…) or ClientSpec.external())");
      }
      out.add(new Scenario(s.file(), s.name(), s.description(), s.tags(), s.seed(), s.server(), c, s.proxy(), s.duration(),
          s.tolerance(), s.messages(), s.faults(), s.expectations()));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return out;
  }
}
