package io.wschaos.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wschaos.testsupport.TestCatalogs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wschaos validate} and {@code wschaos schema}, run in-process: exit code and output, never a stack trace. */
class ValidateCommandTest {
  private static final String INVALID = "wschaos-core/src/test/resources/scenarios/invalid";

  private record Run(int exit, String out, String err) {
    List<String> lines() {
      return out.lines().toList();
    }
  }

  @BeforeEach
  void standInExpectations() {
    Catalogs.expectationsOverride = TestCatalogs.expectations();
  }

  @AfterEach
  void builtinExpectations() {
    Catalogs.expectationsOverride = null;
  }

  private static Run run(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      int exit = Main.run(args);
      return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  private static void noStackTrace(Run r) {
    assertFalse(r.out().contains("Exception") || r.err().contains("Exception"), () -> "no exception in\n" + r.out() + r.err());
    assertFalse(r.out().contains("\tat ") || r.err().contains("\tat "), "no stack trace");
  }

  @Test
  void validFilesAndSuitesExitZero() {
    Run r = run("validate", "wschaos-core/src/test/resources/scenarios/suite", "wschaos-core/src/test/resources/scenarios/valid/reconnect.yaml");
    assertEquals(0, r.exit(), r.out() + r.err());
    assertEquals(List.of("4 scenario files valid"), r.lines());
  }

  @Test
  void invalidFilesPrintEveryErrorOneALineThenASummaryAndExitTwo() throws IOException {
    Run r = run("validate", INVALID);
    assertEquals(2, r.exit());
    noStackTrace(r);
    List<String> lines = r.lines();
    assertTrue(lines.contains(INVALID + "/bad-close-code.yaml:8:13: faults[0].close.code: 999 is not a valid close code (1000-1014 except 1004-1006, or 3000-4999)"), r.out());
    assertTrue(lines.contains(INVALID + "/unknown-top-level-key.yaml:5:1: fautls: unknown key 'fautls' (allowed: name, description, tags, seed, server, client, proxy, duration, tolerance, messages, faults, expect); did you mean 'faults'?"), r.out());
    assertTrue(lines.contains(INVALID + "/yaml-syntax-error.yaml:7:14: YAML syntax error: expected ',' or '}', but got : (while parsing a flow mapping at 6:16)"), r.out());
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
    Run r = run("validate", "wschaos-core/src/test/resources/scenarios/suite", INVALID + "/no-expect.yaml");
    assertEquals(2, r.exit());
    assertEquals(List.of(
        INVALID + "/no-expect.yaml:3:1: expect: missing: a scenario needs at least one expectation to judge, e.g. expect: [{reconnect: {after: any, within: 3s}}]",
        "1 error in 1 file (4 scenario files read, 3 valid)"), r.lines());
  }

  @Test
  void aMissingPathIsBadInput() {
    Run r = run("validate", "no/such/suite");
    assertEquals(2, r.exit());
    assertEquals(List.of("no/such/suite: no such file or folder", "1 error in 1 file (0 scenario files read, 0 valid)"), r.lines());
  }

  @Test
  void anEmptySuiteIsBadInput(@TempDir Path dir) {
    Run r = run("validate", dir.toString());
    assertEquals(2, r.exit());
    assertEquals(dir + ": empty suite: no scenario files (*.yaml, *.yml other than wschaos.yaml) in this folder", r.lines().get(0));
  }

  @Test
  void validateWithoutAPathIsBadInput() {
    Run r = run("validate");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("Missing required parameter: 'PATH'"), r.err());
    noStackTrace(r);
  }

  @Test
  void schemaPrintsTheJsonSchemaOfScenarioFiles() throws IOException {
    Run r = run("schema");
    assertEquals(0, r.exit(), r.err());
    JsonNode schema = new ObjectMapper().readTree(r.out());
    assertEquals("https://json-schema.org/draft/2020-12/schema", schema.path("$schema").asText());
    assertTrue(schema.path("$defs").path("faults").has("close"));
    assertTrue(schema.path("$defs").path("expectations").has("reconnect"));
  }

  @Test
  void helpListsBothCommands() {
    Run r = run("--help");
    assertEquals(0, r.exit());
    assertTrue(r.out().contains("validate") && r.out().contains("schema"), r.out());
  }
}
