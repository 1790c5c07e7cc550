package io.wschaos.scenario;

import io.wschaos.spec.SpecException;
import io.wschaos.spec.Problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.testsupport.TestCatalogs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The examples of docs/scenarios.md are tested: a {@code yaml} block starting with {@code # file: NAME}
 * must load, or, when a {@code text} block follows it, give exactly the errors it lists
 * ({@code …} standing for any text).
 */
class DocsExamplesTest {
  private static final Path DOC = Path.of("docs/scenarios.md");
  private static final ScenarioLoader LOADER = new ScenarioLoader(TestCatalogs.faults(), TestCatalogs.expectations());

  record Block(String lang, List<String> lines) {}

  static Stream<Arguments> examples() throws IOException {
    List<Block> blocks = new ArrayList<>();
    Block open = null;
    for (String line : Files.readAllLines(DOC, StandardCharsets.UTF_8)) {
      if (open == null && line.startsWith("```")) {
        open = new Block(line.substring(3).trim(), new ArrayList<>());
      } else if (open != null && line.equals("```")) {
        blocks.add(open);
        open = null;
      } else if (open != null) {
        open.lines().add(line);
      }
    }
    List<Arguments> out = new ArrayList<>();
    for (int i = 0; i < blocks.size(); i++) {
      Block b = blocks.get(i);
      if (b.lang().equals("yaml") && !b.lines().isEmpty() && b.lines().get(0).startsWith("# file: ")) {
        String file = b.lines().get(0).substring("# file: ".length()).trim();
        List<String> errors = i + 1 < blocks.size() && blocks.get(i + 1).lang().equals("text") ? blocks.get(i + 1).lines() : List.of();
        out.add(Arguments.of(file, String.join("\n", b.lines()) + "\n", errors));
      }
    }
    assertTrue(out.size() >= 4, "examples found: " + out.size());
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("examples")
  void theExampleLoadsOrGivesTheErrorsShown(String file, String yaml, List<String> errors) {
    List<String> actual;
    try {
      LOADER.parse(yaml, file);
      actual = List.of();
    } catch (SpecException e) {
      actual = e.problems().stream().map(Problem::toString).toList();
    }
    List<String> got = actual;
    assertEquals(errors.size(), got.size(), () -> file + " gives:\n" + String.join("\n", got));
    for (int i = 0; i < errors.size(); i++) {
      String want = errors.get(i);
      String line = got.get(i);
      assertTrue(InvalidScenarioTest.matches(want, line), () -> "expected: " + want + "\nactual:   " + line);
    }
  }
}
