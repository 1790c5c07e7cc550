package io.wschaos.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wschaos.testsupport.TestCatalogs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wschaos validate} and {@code wschaos schema}, run in-process: exit code and output, never a stack trace. */
class ValidateCommandTest {
  private static final String INVALID = "wschaos-core/src/test/resources/scenarios/invalid";

  private static ConsoleRun run(String... args) {
    return ConsoleRun.of(Wiring.builtin().withExpectations(TestCatalogs.expectations()), args);
  }

  /** Errors and their summary go to stderr, as run's do. */
  private static List<String> errLines(ConsoleRun r) {
    return r.err().lines().toList();
  }

  private static void noStackTrace(ConsoleRun r) {
    assertFalse(r.out().contains("Exception") || r.err().contains("Exception"), () -> "no exception in\n" + r.out() + r.err());
    assertFalse(r.out().contains("\tat ") || r.err().contains("\tat "), "no stack trace");
  }

  @Test
  void validFilesAndSuitesExitZero() {
    ConsoleRun r = run("validate", "wschaos-core/src/test/resources/scenarios/suite", "wschaos-core/src/test/resources/scenarios/valid/reconnect.yaml");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertEquals(List.of("4 scenario files valid"), r.out().lines().toList());
    assertEquals("", r.err());
  }

  @Test
  void invalidFilesPrintEveryErrorOneALineThenASummaryAndExitTwo() throws IOException {
    ConsoleRun r = run("validate", INVALID);
    assertEquals(2, r.exit());
    noStackTrace(r);
    List<String> lines = errLines(r);
    assertEquals("", r.out(), "errors go to stderr");
    assertTrue(lines.contains(INVALID + "/bad-close-code.yaml:8:13: faults[0].close.code: 999 is not a valid close code (1000-1014 except 1004-1006, or 3000-4999)"), r.err());
    assertTrue(lines.contains(INVALID + "/unknown-top-level-key.yaml:5:1: fautls: unknown key 'fautls' (allowed: name, description, tags, seed, server, client, proxy, duration, tolerance, messages, faults, expect); did you mean 'faults'?"), r.err());
    assertTrue(lines.contains(INVALID + "/yaml-syntax-error.yaml:7:14: YAML syntax error: expected ',' or '}', but got : (while parsing a flow mapping at 6:16)"), r.err());
    long fixtures;
    try (var files = Files.list(Path.of(INVALID))) {
      fixtures = files.count();
    }
    for (String line : lines.subList(0, lines.size() - 1)) {
      assertTrue(line.startsWith(INVALID + "/"), "an error names its file: " + line);
    }
    assertEquals((lines.size() - 1) + " errors in " + fixtures + " files (" + fixtures + " scenario files read, 0 valid)", lines.get(lines.size() - 1));
  }

  @Test
  void oneBadFileAmongGoodOnesFailsTheRun() {
    ConsoleRun r = run("validate", "wschaos-core/src/test/resources/scenarios/suite", INVALID + "/no-expect.yaml");
    assertEquals(2, r.exit());
    assertEquals(List.of(
        INVALID + "/no-expect.yaml:3:1: expect: missing: a scenario needs at least one expectation to judge, e.g. expect: [{reconnect: {after: any, within: 3s}}]",
        "1 error in 1 file (4 scenario files read, 3 valid)"), errLines(r));
  }

  @Test
  void aMissingPathIsBadInput() {
    ConsoleRun r = run("validate", "no/such/suite");
    assertEquals(2, r.exit());
    assertEquals(List.of("no/such/suite: no such file or folder", "1 error in 1 file (0 scenario files read, 0 valid)"), errLines(r));
  }

  @Test
  void anEmptySuiteIsBadInput(@TempDir Path dir) {
    ConsoleRun r = run("validate", dir.toString());
    assertEquals(2, r.exit());
    assertEquals(dir + ": empty suite: no scenario files (*.yaml, *.yml other than wschaos.yaml) in this folder", errLines(r).get(0));
  }

  @Test
  void validateWithoutAPathIsBadInput() {
    ConsoleRun r = run("validate");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("Missing required parameter: 'PATH'"), r.err());
    noStackTrace(r);
  }

  @Test
  void schemaPrintsTheJsonSchemaOfScenarioFiles() throws IOException {
    ConsoleRun r = run("schema");
    assertEquals(0, r.exit(), r.err());
    JsonNode schema = new ObjectMapper().readTree(r.out());
    assertEquals("https://json-schema.org/draft/2020-12/schema", schema.path("$schema").asText());
    assertTrue(schema.path("$defs").path("faults").has("close"));
    assertTrue(schema.path("$defs").path("expectations").has("reconnect"));
  }

  @Test
  void helpListsBothCommands() {
    ConsoleRun r = run("--help");
    assertEquals(0, r.exit());
    assertTrue(r.out().contains("validate") && r.out().contains("schema"), r.out());
  }

  @Test
  void versionIsTheBuildsVersion() throws IOException {
    ConsoleRun r = run("--version");
    assertEquals(0, r.exit(), r.err());
    String pom = Files.readString(Path.of("wschaos-cli", "pom.xml"));
    String version = pom.substring(pom.indexOf("<version>") + 9, pom.indexOf("</version>"));
    assertEquals("wschaos " + version, r.out().strip(), "from the pom, filtered into version.properties at build time");
  }
}
