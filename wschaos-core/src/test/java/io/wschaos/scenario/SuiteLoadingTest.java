package io.wschaos.scenario;

import io.wschaos.spec.Problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.spec.Tolerance;
import io.wschaos.testsupport.TestCatalogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Folders are suites: a wschaos.yaml supplies the top-level keys its scenarios lack, the scenario winning. */
class SuiteLoadingTest {
  private static final Path SUITE = Path.of("wschaos-core/src/test/resources/scenarios/suite");
  private static final ScenarioLoader LOADER = new ScenarioLoader(TestCatalogs.faults(), TestCatalogs.expectations());

  private static final String SCENARIO = """
      expect:
        - reconnect: {after: any, within: 3s}
      """;

  @Test
  void aSuiteMergesWschaosYamlPerTopLevelKeyTheScenarioWinning() {
    ScenarioLoader.Loaded loaded = LOADER.load(List.of(SUITE));
    assertEquals(List.of(), loaded.errors());
    assertEquals(3, loaded.files());
    Map<String, Scenario> byName = loaded.scenarios().stream().collect(Collectors.toMap(Scenario::name, Function.identity()));

    Scenario inherits = byName.get("reconnects-after-1012");
    assertEquals("feed", inherits.server().builtin());
    assertEquals(Map.of("rate", 20.0), inherits.server().options());
    assertEquals("node examples/clients/resilient.js", inherits.client().command());
    assertEquals(Duration.ofSeconds(20), inherits.duration());
    assertEquals(new Tolerance(Duration.ofMillis(50), 0), inherits.tolerance());
    assertEquals(List.of("seq", "ack"), List.copyOf(inherits.messages().declared().keySet()));
    assertEquals("clientId", inherits.messages().clientId().query());

    Scenario own = byName.get("declares-its-own-messages");
    assertEquals(List.of("client_seq"), List.copyOf(own.messages().declared().keySet()), "the scenario's messages win whole: no deep merge");
    assertEquals(null, own.messages().clientId());

    Scenario nested = byName.get("survives-a-slow-link");
    assertEquals(Duration.ofSeconds(45), nested.duration(), "the nearest wschaos.yaml wins");
    assertEquals("feed", nested.server().builtin(), "keys it lacks come from the folders above");
    assertEquals("seq", nested.messages().get("seq").name());
  }

  @Test
  void aFileArgumentUsesTheWschaosYamlBesideIt() {
    Scenario s = LOADER.loadFile(SUITE.resolve("reconnect.yaml"));
    assertEquals(Duration.ofSeconds(20), s.duration());
  }

  @Test
  void aFileArgumentInASubfolderAlsoGetsTheSuiteDefaultsAboveIt() {
    // The tests run in the project root, the working directory; the suite lies below it.
    Scenario nested = LOADER.loadFile(SUITE.resolve("topic/slow-link.yaml"));
    assertEquals(Duration.ofSeconds(45), nested.duration(), "the nearest wschaos.yaml wins");
    assertEquals("feed", nested.server().builtin(), "from the suite's wschaos.yaml, a folder up");
    assertEquals("seq", nested.messages().get("seq").name(), "so its expectations find the suite's declarations");
  }

  @Test
  void aSubFolderOfASuiteAlsoGetsTheDefaultsAboveIt() {
    ScenarioLoader.Loaded loaded = LOADER.load(List.of(SUITE.resolve("topic")));
    assertEquals(List.of(), loaded.errors());
    assertEquals("feed", loaded.scenarios().get(0).server().builtin(), "from the suite's wschaos.yaml, a folder up");
  }

  @Test
  void anErrorInWschaosYamlIsLocatedThereAndReportedOnce(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("wschaos.yaml"), "server: {builtin: feed}\nduration: 20s\nmessages:\n  seq: {to: client, match: {type: {eq: 1}}}\n");
    Files.writeString(dir.resolve("a.yaml"), SCENARIO);
    Files.writeString(dir.resolve("b.yaml"), SCENARIO);
    ScenarioLoader.Loaded loaded = LOADER.load(List.of(dir));
    assertEquals(
        List.of(dir.resolve("wschaos.yaml") + ":4:36: messages.seq.match.type: unknown operator 'eq' (allowed: regex, exists, gt, gte, lt, lte)"),
        loaded.errors().stream().map(Problem::toString).toList());
    assertEquals(2, loaded.files());
    assertEquals(List.of(), loaded.scenarios());
  }

  @Test
  void aRuleBrokenAcrossFilesIsLocatedInTheScenario(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("wschaos.yaml"), "server: {builtin: feed}\nduration: 10s\n");
    Files.writeString(dir.resolve("late.yaml"), SCENARIO + "faults:\n  - at: 8s\n    for: 5s\n    delay: {to: client, by: 1s}\n");
    ScenarioLoader.Loaded loaded = LOADER.load(List.of(dir));
    assertEquals(
        List.of(dir.resolve("late.yaml") + ":5:10: faults[0].for: the fault runs 8s–13s, past duration 10s: a window known in advance must end before the hard stop (start it earlier, shorten for, or lengthen duration)"),
        loaded.errors().stream().map(Problem::toString).toList());
  }

  @Test
  void wschaosYamlCannotNameScenarios(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("wschaos.yaml"), "name: shared\nserver: {builtin: feed}\nduration: 20s\n");
    Files.writeString(dir.resolve("a.yaml"), SCENARIO);
    ScenarioLoader.Loaded loaded = LOADER.load(List.of(dir));
    assertEquals(
        List.of(dir.resolve("wschaos.yaml") + ":1:1: name: a suite's wschaos.yaml holds shared settings; each scenario names itself"),
        loaded.errors().stream().map(Problem::toString).toList());
  }

  @Test
  void anEmptySuiteIsAnError(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("wschaos.yaml"), "duration: 20s\n");
    Files.writeString(dir.resolve("notes.txt"), "not a scenario");
    ScenarioLoader.Loaded loaded = LOADER.load(List.of(dir));
    assertEquals(
        List.of(dir + ": empty suite: no scenario files (*.yaml, *.yml other than wschaos.yaml) in this folder"),
        loaded.errors().stream().map(Problem::toString).toList());
  }

  @Test
  void twoScenariosOfASuiteCannotShareAName(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("wschaos.yaml"), "server: {builtin: feed}\nduration: 20s\n");
    Files.writeString(dir.resolve("a.yaml"), "name: same\n" + SCENARIO);
    Files.writeString(dir.resolve("b.yml"), "name: same\n" + SCENARIO);
    ScenarioLoader.Loaded loaded = LOADER.load(List.of(dir));
    assertEquals(
        List.of(dir.resolve("b.yml") + ":1:7: name: scenario name 'same' is already used by " + dir.resolve("a.yaml") + "; names identify scenarios in reports and JUnit XML"),
        loaded.errors().stream().map(Problem::toString).toList());
    assertEquals(1, loaded.scenarios().size());
  }

  @Test
  void aMissingPathIsAnError() {
    ScenarioLoader.Loaded loaded = LOADER.load(List.of(Path.of("no/such/suite")));
    assertEquals(List.of("no/such/suite: no such file or folder"), loaded.errors().stream().map(Problem::toString).toList());
  }

  @Test
  void everyFileOfASuiteIsCheckedNotJustTheFirst() {
    ScenarioLoader.Loaded loaded = LOADER.load(List.of(InvalidScenarioTest.INVALID));
    long files = loaded.errors().stream().map(Problem::file).distinct().count();
    assertEquals(loaded.files(), files, "one file or more with errors per fixture");
    assertTrue(loaded.scenarios().isEmpty());
  }
}
