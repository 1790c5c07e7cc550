package io.wschaos.scenario;

import io.wschaos.spec.Problem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.wschaos.testsupport.TestCatalogs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes the scenario loader: random bytes, random YAML trees built from the scenario vocabulary,
 * and the example suite with one node changed. Whatever comes in, the loader answers with a valid
 * scenario or with located errors ({@code file:line:column: path: message}); an exception of any
 * other kind, an error without a message or without a line, fails the property.
 *
 * <p>Seeded, so a run repeats; {@code make soak} runs more tries ({@code -Djqwik.tries.default}).
 * A seed that once failed is pinned below as an {@code @Example} with its input.
 */
class ScenarioLoaderFuzzTest {
  private static final ScenarioLoader LOADER = new ScenarioLoader(TestCatalogs.faults(), TestCatalogs.expectations());
  private static final YAMLMapper YAML = new YAMLMapper();
  private static Path dir;
  private static List<JsonNode> examples;

  @BeforeContainer
  static void setUp() throws IOException {
    dir = Files.createTempDirectory("wschaos-fuzz-");
    List<JsonNode> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(Path.of("scenarios"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml") && !p.endsWith("wschaos.yaml")).sorted().toList()) {
        found.add(YAML.readTree(f.toFile()));
      }
    }
    found.add(YAML.readTree(Path.of("wschaos-core/src/test/resources/scenarios/valid/reconnect.yaml").toFile()));
    examples = found;
  }

  @AfterContainer
  static void tearDown() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted((a, b) -> b.compareTo(a)).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Property(seed = "20261202")
  void randomBytesGetLocatedErrorsOrAScenario(@ForAll("bytes") byte[] content) {
    check(content);
  }

  @Property(seed = "20261202")
  void randomYamlTreesGetLocatedErrorsOrAScenario(@ForAll("trees") JsonNode tree) {
    check(yaml(tree));
  }

  @Property(seed = "20261202")
  void theExampleSuiteWithOneNodeChangedGetsLocatedErrorsOrAScenario(@ForAll("mutants") JsonNode tree) {
    check(yaml(tree));
  }

  @Example
  void aTlsClientHelloAsAScenarioFileIsALocatedError() {
    check(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0x00, 0x00, (byte) 0xa1, 0x03, 0x03});
  }

  /** Seed 20261202, 1 260th try (shrunk): the error quoted a two-line scalar, so it printed on two lines. */
  @Example
  void aMultiLineScalarAtTheTopIsQuotedOnOneLine() {
    check(new byte[] {58, 45, 10, 10, 45});
  }

  /** Seed 20261202, first try: a file that is not UTF-8 got "not UTF-8 text" with no line or column. */
  @Example
  void aByteThatIsNotUtf8IsLocated() {
    check("name: x\nduration: 1s\n  \u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    Problem e = LOADER.load(List.of(dir.resolve("fuzz.yaml"))).errors().get(0);
    assertEquals(3, e.line());
    assertEquals(3, e.column());
    assertEquals("not UTF-8 text: byte 0xE9 (byte 24 of the file) is not valid UTF-8 here", e.message());
  }

  /** Loads {@code content} as a file: the path a user's file takes (bytes, not text). */
  private static void check(byte[] content) {
    Path file = dir.resolve("fuzz.yaml");
    try {
      Files.write(file, content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ScenarioLoader.Loaded loaded;
    try {
      loaded = LOADER.load(List.of(file));
    } catch (RuntimeException | StackOverflowError e) {
      fail("the loader threw on\n" + new String(content, StandardCharsets.UTF_8), e);
      return;
    }
    if (loaded.ok()) {
      assertFalse(loaded.scenarios().isEmpty(), "no error and no scenario");
      return;
    }
    assertTrue(loaded.scenarios().isEmpty(), "an invalid file yields no scenario");
    for (Problem e : loaded.errors()) {
      String shown = e.toString();
      assertTrue(e.line() > 0 && e.column() > 0, () -> "not located: " + shown + "\nfor\n" + new String(content, StandardCharsets.UTF_8));
      assertTrue(e.message() != null && !e.message().isBlank(), () -> "no message: " + shown);
      assertFalse(shown.contains("Exception") || shown.contains("\n\tat "), () -> "an exception's text reached the user: " + shown);
      assertFalse(shown.contains("\n"), () -> "more than one line: " + shown);
    }
  }

  private static byte[] yaml(JsonNode tree) {
    try {
      return YAML.writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- generators

  @Provide
  Arbitrary<byte[]> bytes() {
    Arbitrary<byte[]> anyBytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(400);
    // Mostly-YAML text: the characters YAML gives meaning to, so the parser gets past line 1.
    Arbitrary<byte[]> yamlish = Arbitraries.strings().withChars(":-[]{},&*!|>'\"%@` #\n\t ").withCharRange('a', 'e')
        .withChars("0123456789.smh\u00e9\u0000\uFEFF").ofMaxLength(300).map(s -> s.getBytes(StandardCharsets.UTF_8));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(1, anyBytes), net.jqwik.api.Tuple.of(2, yamlish));
  }

  @Provide
  Arbitrary<JsonNode> trees() {
    return Arbitraries.longs().map(seed -> {
      Random r = new Random(seed);
      ObjectNode top = JsonNodeFactory.instance.objectNode();
      int keys = 1 + r.nextInt(8);
      for (int i = 0; i < keys; i++) {
        top.set(pick(r, TOP_KEYS), value(r, 4));
      }
      return top;
    });
  }

  @Provide
  Arbitrary<JsonNode> mutants() {
    return Arbitraries.longs().map(seed -> {
      Random r = new Random(seed);
      JsonNode copy = examples.get(r.nextInt(examples.size())).deepCopy();
      int changes = 1 + r.nextInt(2);
      for (int i = 0; i < changes; i++) {
        mutate(copy, r);
      }
      return copy;
    });
  }

  static final List<String> TOP_KEYS = List.copyOf(ScenarioKeys.TOP.keySet());
  static final List<String> KEYS = vocabulary();
  static final List<String> STRINGS = List.of("", "client", "server", "all", "any", "current", "feed", "data", "ping", "pong",
      "close", "200ms", "1s", "0s", "-1s", "1.5s", "1m", "24h", "999999h", "99999999999999999999s", "1e400ms", "NaN", "5",
      "ms", "/seq", "/", "~", "~1", "uniform", "normal", "reset", "fin", "malformed_json", "shuffled", "reversed",
      "ws://127.0.0.1:1/x", "wss://", "http://x", "node x.js", "true", "null", "${X}", "\u0000", "\uFFFF", "é",
      "a".repeat(300), "{", "[", "*a", "&a x");

  private static List<String> vocabulary() {
    List<String> v = new ArrayList<>(ScenarioKeys.TOP.keySet());
    v.addAll(ScenarioKeys.SERVER.keySet());
    v.addAll(ScenarioKeys.CLIENT.keySet());
    v.addAll(ScenarioKeys.DECLARATION.keySet());
    v.addAll(ScenarioKeys.TOLERANCE.keySet());
    v.addAll(TestCatalogs.faults().names());
    v.addAll(TestCatalogs.expectations().names());
    v.addAll(List.of("id", "at", "on", "after", "for", "every", "link", "probability", "client", "open", "all_open", "attempt",
        "message", "nth", "to", "by", "jitter", "distribution", "frames", "first", "count", "gap", "window", "order",
        "max_hold", "mode", "code", "reason", "bytes_per_second", "max_bytes", "status", "within", "lost", "seq", "match",
        "field", "regex", "exists", "gt", "lt", "then", "text", "json", "binary", "rate", "timeout", "min", "max", "factor",
        "x", ""));
    return List.copyOf(v);
  }

  private static String pick(Random r, List<String> from) {
    return from.get(r.nextInt(from.size()));
  }

  /** A random value: scalars of every YAML type, and maps and lists of the vocabulary's keys. */
  static JsonNode value(Random r, int depth) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    int kind = r.nextInt(depth <= 0 ? 6 : 9);
    switch (kind) {
      case 0:
        return f.textNode(pick(r, STRINGS));
      case 1:
        return f.numberNode(switch (r.nextInt(6)) {
          case 0 -> 0;
          case 1 -> -1;
          case 2 -> Integer.MAX_VALUE;
          case 3 -> Long.MIN_VALUE;
          default -> r.nextInt(100_000);
        });
      case 2:
        return f.numberNode(switch (r.nextInt(5)) {
          case 0 -> Double.NaN;
          case 1 -> Double.POSITIVE_INFINITY;
          case 2 -> -0.0;
          case 3 -> 1e300;
          default -> r.nextDouble();
        });
      case 3:
        return f.numberNode(new java.math.BigInteger("9".repeat(1 + r.nextInt(40))));
      case 4:
        return f.booleanNode(r.nextBoolean());
      case 5:
        return f.nullNode();
      case 6:
      case 7: {
        ObjectNode o = f.objectNode();
        int n = r.nextInt(5);
        for (int i = 0; i < n; i++) {
          o.set(pick(r, KEYS), value(r, depth - 1));
        }
        return o;
      }
      default: {
        ArrayNode a = f.arrayNode();
        int n = r.nextInt(4);
        for (int i = 0; i < n; i++) {
          a.add(value(r, depth - 1));
        }
        return a;
      }
    }
  }

  /** Replaces, removes or adds one node somewhere in {@code root}. */
  static void mutate(JsonNode root, Random r) {
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    JsonNode c = containers.get(r.nextInt(containers.size()));
    if (c instanceof ObjectNode o) {
      List<String> names = new ArrayList<>();
      for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
        names.add(it.next());
      }
      int what = r.nextInt(3);
      if (names.isEmpty() || what == 0) {
        o.set(pick(r, KEYS), value(r, 2));
      } else if (what == 1) {
        o.remove(pick(r, names));
      } else {
        o.set(pick(r, names), value(r, 2));
      }
    } else if (c instanceof ArrayNode a) {
      if (a.isEmpty() || r.nextBoolean()) {
        a.add(value(r, 2));
      } else {
        a.set(r.nextInt(a.size()), value(r, 2));
      }
    }
  }

  private static void collect(JsonNode n, List<JsonNode> out) {
    if (n.isContainerNode()) {
      out.add(n);
      n.elements().forEachRemaining(c -> collect(c, out));
    }
  }
}
