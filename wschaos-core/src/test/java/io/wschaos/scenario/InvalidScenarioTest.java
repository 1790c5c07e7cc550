package io.wschaos.scenario;

import io.wschaos.spec.Problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.testsupport.TestCatalogs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every validation rule pinned by a fixture: {@code src/test/resources/scenarios/invalid/<rule>.yaml}
 * starts with {@code # rule:} and one {@code # expect: line:column: key.path: message} line per error
 * the loader must report — exactly those, in that order. In an expected message, {@code …} stands for
 * any text (the lists of faults and expectations, which grow as the catalogues do).
 */
class InvalidScenarioTest {
  static final Path INVALID = Path.of("wschaos-core/src/test/resources/scenarios/invalid");
  private static final ScenarioLoader LOADER = new ScenarioLoader(TestCatalogs.faults(), TestCatalogs.expectations());

  static Stream<Path> fixtures() throws IOException {
    try (Stream<Path> files = Files.list(INVALID)) {
      return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void eachRuleIsReportedWithItsLocationKeyPathAndMessage(Path fixture) throws IOException {
    List<String> expected = expectedErrors(fixture);
    assertFalse(expected.isEmpty(), fixture + " has no '# expect:' line");
    ScenarioLoader.Loaded loaded = LOADER.load(List.of(fixture));
    List<String> actual = loaded.errors().stream().map(e -> withoutFile(e, fixture)).toList();
    assertEquals(expected.size(), actual.size(), () -> "errors of " + fixture + ":\n" + String.join("\n", actual));
    for (int i = 0; i < expected.size(); i++) {
      String want = expected.get(i);
      String got = actual.get(i);
      assertTrue(matches(want, got), () -> fixture + "\n  expected: " + want + "\n  actual:   " + got);
    }
    assertTrue(loaded.scenarios().isEmpty(), "an invalid file yields no scenario");
  }

  @Test
  void thereIsAFixtureForAtLeastTwentyFiveRules() throws IOException {
    assertTrue(fixtures().count() >= 25, "rules pinned: " + fixtures().count());
  }

  @Test
  void everyErrorOfAFileIsReportedInFileOrder() throws IOException {
    Path file = Path.of("wschaos-core/src/test/resources/scenarios/multi-error.yaml");
    List<String> expected = expectedErrors(file);
    List<String> actual = LOADER.load(List.of(file)).errors().stream().map(e -> withoutFile(e, file)).toList();
    assertEquals(expected.size(), actual.size(), () -> String.join("\n", actual));
    for (int i = 0; i < expected.size(); i++) {
      String want = expected.get(i);
      String got = actual.get(i);
      assertTrue(matches(want, got), () -> "expected: " + want + "\nactual:   " + got);
    }
  }

  static List<String> expectedErrors(Path fixture) throws IOException {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(fixture, StandardCharsets.UTF_8)) {
      if (line.startsWith("# expect: ")) {
        out.add(line.substring("# expect: ".length()));
      }
    }
    return out;
  }

  static String withoutFile(Problem e, Path fixture) {
    String s = e.toString();
    String prefix = fixture.toString() + ":";
    return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
  }

  /** Equal, where each {@code …} in {@code expected} stands for any text. */
  static boolean matches(String expected, String actual) {
    String regex = Stream.of(expected.split("…", -1)).map(Pattern::quote).collect(Collectors.joining(".*"));
    return Pattern.compile(regex, Pattern.DOTALL).matcher(actual).matches();
  }
}
