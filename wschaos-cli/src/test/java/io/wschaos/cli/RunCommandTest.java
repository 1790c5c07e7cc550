package io.wschaos.cli;

import static io.wschaos.runner.Scenarios.client;
import static io.wschaos.runner.Scenarios.expect;
import static io.wschaos.runner.Scenarios.feed;
import static io.wschaos.runner.Scenarios.nodeClient;
import static io.wschaos.runner.Scenarios.nodeEnv;
import static io.wschaos.runner.Scenarios.scenario;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.runner.Scenarios;
import io.wschaos.scenario.Scenario;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.JsonlReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** {@code wschaos run} in-process through {@link Main#run}, with scenarios built in code in place of the loader ({@link Wiring}). */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RunCommandTest {
  @TempDir static Path scripts;
  @TempDir Path dir;
  String out;
  String err;

  @BeforeAll
  static void writeScripts() {
    Scenarios.scripts(scripts);
  }

  /** Runs main with the given scenarios in place of the files; keeps stdout and stderr. */
  private int run(List<Scenario> scenarios, String... args) {
    return main(Wiring.builtin().withLoader(paths -> scenarios), args);
  }

  private int main(String... args) {
    return main(Wiring.builtin(), args);
  }

  private int main(Wiring wiring, String... args) {
    ConsoleRun run = ConsoleRun.of(wiring, args);
    out = run.out();
    err = run.err();
    return run.exit();
  }

  private static Scenario passing(String name) {
    return scenario(name, feed(), client("exit 9", 1, nodeEnv()), Duration.ofSeconds(20), List.of(), expect("opens", Scenarios.opens(1)));
  }

  private List<String> lines() {
    return out.lines().toList();
  }

  private static Document xml(Path file) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
  }

  @Tag("node")
  @Test
  void aPassingSuiteExitsZeroWritesJUnitAndTimelinesAndClosesWithTheCount() throws Exception {
    Path junit = dir.resolve("out/junit.xml");
    Path report = dir.resolve("report");
    int code = run(List.of(passing("first pass")), "run", "--client", nodeClient(scripts), "--seed", "7",
        "--junit", junit.toString(), "--report", report.toString(), "x.yaml");
    assertEquals(0, code, out + err);
    List<String> lines = lines();
    assertEquals("[1/1] start first pass (seed 7)", lines.get(0), "--seed overrides the scenario's");
    assertTrue(lines.get(1).startsWith("[1/1] PASS  first pass  "), lines.toString());
    assertTrue(lines.get(1).endsWith(", seed 7 (every verdict final early)"), lines.get(1));
    assertEquals("1 passed, 0 failed", lines.get(lines.size() - 2));
    assertEquals("reports: JUnit XML " + junit + "; timelines and HTML views " + report + " (open " + report.resolve("index.html") + ")",
        lines.get(lines.size() - 1), "run says where it wrote reports");
    assertEquals("", err);

    Element suites = xml(junit).getDocumentElement();
    assertEquals("1", suites.getAttribute("tests"));
    assertEquals("0", suites.getAttribute("failures"));
    assertEquals("0", suites.getAttribute("errors"));
    Element suite = (Element) suites.getElementsByTagName("testsuite").item(0);
    assertEquals("first pass", suite.getAttribute("name"));
    Element seed = (Element) suite.getElementsByTagName("property").item(0);
    assertEquals("seed", seed.getAttribute("name"));
    assertEquals("7", seed.getAttribute("value"));
    assertEquals("opens", ((Element) suite.getElementsByTagName("testcase").item(0)).getAttribute("name"));

    List<Event> timeline = JsonlReader.read(report.resolve("first-pass.jsonl"));
    assertTrue(timeline.stream().anyMatch(e -> e.body() instanceof EventBody.Open), "the JSONL timeline holds the run");
    assertTrue(timeline.stream().anyMatch(e -> e.body() instanceof EventBody.Verdict v && "pass".equals(v.status())));
  }

  @Tag("node")
  @Test
  void aFailingExpectationExitsOneWithItsSentenceOnTheConsoleAndInJUnit() throws Exception {
    Path junit = dir.resolve("junit.xml");
    Scenario failing = scenario("fails", feed(), client(nodeClient(scripts), 1, nodeEnv()), Duration.ofSeconds(20), List.of(),
        expect("opens", Scenarios.opens(1)), expect("fails", Scenarios.fails("no reconnect followed the close 1001 <within 3 s> & more")));
    int code = run(List.of(passing("ok"), failing), "run", "--parallel", "2", "--client", nodeClient(scripts), "--junit", junit.toString(), "a", "b");
    assertEquals(1, code, out + err);
    assertTrue(lines().stream().anyMatch(l -> l.matches("\\[\\d/2] FAIL  fails  .*")), out);
    assertTrue(lines().contains("        fails [fail]: no reconnect followed the close 1001 <within 3 s> & more"), out);
    assertEquals("1 passed, 1 failed", lines().get(lines().size() - 2));
    assertEquals("reports: JUnit XML " + junit, lines().get(lines().size() - 1));

    Document doc = xml(junit);
    assertEquals("3", doc.getDocumentElement().getAttribute("tests"), "a test case per expectation");
    assertEquals("1", doc.getDocumentElement().getAttribute("failures"));
    NodeList suites = doc.getElementsByTagName("testsuite");
    assertEquals("ok", ((Element) suites.item(0)).getAttribute("name"), "suite order, whatever finished first");
    Element failure = (Element) doc.getElementsByTagName("failure").item(0);
    assertEquals("no reconnect followed the close 1001 <within 3 s> & more", failure.getAttribute("message"));
    assertEquals("fails", ((Element) failure.getParentNode()).getAttribute("name"));
  }

  @Test
  void anEnvironmentErrorExitsThreeWithAJUnitError() throws Exception {
    Path junit = dir.resolve("junit.xml");
    int code = run(List.of(passing("env")), "run", "--junit", junit.toString(), "x.yaml");
    assertEquals(3, code, out + err);
    assertTrue(lines().stream().anyMatch(l -> l.matches("\\[1/1] ERROR env  .*: the client exited with code 9 before making any connection attempt \\(exit 9\\)")), out);
    assertEquals("(1 of the failed had an environment error)", lines().get(lines().size() - 3));
    assertEquals("0 passed, 1 failed", lines().get(lines().size() - 2));
    assertEquals("reports: JUnit XML " + junit, lines().get(lines().size() - 1));
    Document doc = xml(junit);
    assertEquals("1", doc.getDocumentElement().getAttribute("errors"));
    Element error = (Element) doc.getElementsByTagName("error").item(0);
    assertTrue(error.getAttribute("message").startsWith("the client exited with code 9"), error.getAttribute("message"));
  }

  /** Runs main on real YAML files, as a user does. */
  private int runFiles(String... args) {
    return main(args);
  }

  private Path yamlScenario(String name, String clientCommand, String duration) throws Exception {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(file, "name: " + name + "\nserver: {builtin: feed}\nclient: {command: " + clientCommand + "}\n"
        + "duration: " + duration + "\nexpect:\n  - reconnect: {after: any, within: 1s}\n");
    return file;
  }

  @Tag("node")
  @Test
  void aNodeClientThatCrashesOnAMissingModuleIsAnEnvironmentErrorThatShowsTheErrorLine() throws Exception {
    Path crash = dir.resolve("crash.js");
    Files.writeString(crash, "require('wschaos-no-such-module');\n");
    Path file = yamlScenario("crashes", "node " + crash, "10s");
    Path junit = dir.resolve("junit.xml");
    int code = runFiles("run", "--junit", junit.toString(), file.toString());
    assertEquals(3, code, "exit 3: the environment failed, not the client's behaviour\n" + out + err);
    String line = lines().stream().filter(l -> l.startsWith("[1/1] ERROR crashes")).findFirst().orElseThrow(() -> new AssertionError(out));
    assertTrue(line.endsWith("before making any connection attempt (node " + crash + "); stderr: Error: Cannot find module 'wschaos-no-such-module'"),
        "the first reason line of stderr, not Node's closing version line: " + line);
    assertFalse(out.contains("Node.js v"), out);
    assertFalse(out.contains("undecided"), out);
    Document doc = xml(junit);
    assertEquals("1", doc.getDocumentElement().getAttribute("errors"));
    assertEquals("0", doc.getDocumentElement().getAttribute("failures"));
    Element error = (Element) doc.getElementsByTagName("error").item(0);
    assertTrue(error.getAttribute("message").contains("Cannot find module 'wschaos-no-such-module'"), error.getAttribute("message"));
  }

  @Tag("node")
  @Test
  void aClientThatStaysAliveAndNeverAttemptsIsAnEnvironmentErrorInOneSentence() throws Exception {
    Path sleeper = dir.resolve("sleeps.js");
    Files.writeString(sleeper, "setTimeout(() => {}, 60000);\n");
    Path file = yamlScenario("sleeps", "node " + sleeper, "2s");
    int code = runFiles("run", file.toString());
    assertEquals(3, code, out + err);
    assertTrue(lines().stream().anyMatch(l -> l.matches("\\[1/1] ERROR sleeps  .*: the client \\(node .*sleeps\\.js\\) ran for the whole 2 s "
        + "but never made a connection attempt to ws://127\\.0\\.0\\.1:\\d+/ \\(does it connect to WSCHAOS_URL\\?\\)")), out);
    assertFalse(out.contains("undecided"), out);
  }

  @Test
  void outputPathsThatCannotBeWrittenAreBadInputBeforeAnythingRuns() throws Exception {
    Path aFile = Files.writeString(dir.resolve("a-file"), "x");
    Path aFolder = Files.createDirectories(dir.resolve("a-folder"));
    String client = "touch " + dir.resolve("client-ran");
    List<String[]> cases = List.of(
        new String[] {"--report", aFile.toString(), "--report " + aFile + ": not a directory (nothing ran)"},
        new String[] {"--junit", aFolder.toString(), "--junit " + aFolder + ": is a directory (nothing ran)"},
        new String[] {"--junit", aFile.resolve("junit.xml").toString(),
            "--junit " + aFile.resolve("junit.xml") + ": not a directory (" + aFile + " is a file) (nothing ran)"});
    for (String[] c : cases) {
      int code = run(List.of(passing("never")), "run", "--client", client, c[0], c[1], "x.yaml");
      assertEquals(2, code, out + err);
      assertEquals("wschaos: " + c[2], err.strip(), "one line, the path once");
      assertEquals("", out, "nothing ran");
    }
    assertFalse(Files.exists(dir.resolve("client-ran")), "no client was started");
  }

  @Test
  void anUnwritableProxyTimelineIsBadInputWithTheOsReason() throws Exception {
    Path aFolder = Files.createDirectories(dir.resolve("timeline-folder"));
    int code = main("proxy", "--upstream", "ws://127.0.0.1:9", "--listen", "127.0.0.1:0", "--api", "off", "--timeline", aFolder.toString());
    assertEquals(2, code, out + err);
    assertEquals("wschaos: --timeline " + aFolder + ": is a directory (nothing ran)", err.strip());
  }

  @Test
  void anUnwritableFolderIsPermissionDeniedWhenNotRoot() throws Exception {
    // root may write anywhere that is not read-only, so this case runs only as another user
    org.junit.jupiter.api.Assumptions.assumeFalse("root".equals(System.getProperty("user.name")), "runs as root");
    Path locked = Files.createDirectories(dir.resolve("locked"));
    locked.toFile().setWritable(false, false);
    try {
      int code = run(List.of(passing("never")), "run", "--report", locked.resolve("r").toString(), "x.yaml");
      assertEquals(2, code, out + err);
      assertEquals("wschaos: --report " + locked.resolve("r") + ": permission denied (nothing ran)", err.strip());
    } finally {
      locked.toFile().setWritable(true, false);
    }
  }

  @Test
  void tourWithNoMessagesIsRefusedInsteadOfWaiting() {
    long t0 = System.nanoTime();
    int code = main("tour", "--messages", "0");
    assertEquals(2, code, out + err);
    assertEquals("wschaos: --messages: 0 is not between 1 and 100", err.strip());
    assertTrue((System.nanoTime() - t0) / 1_000_000 < 3_000, "refused at once");
  }

  @Test
  void aDurationFlagOverTheMaximumIsRefusedWithoutAClassName() {
    int code = main("proxy", "--upstream", "ws://127.0.0.1:9", "--upstream-timeout", "99999999999999999999s");
    assertEquals(2, code, out + err);
    assertTrue(err.contains("'99999999999999999999s' is longer than the maximum, 24h"), err);
    assertFalse(err.contains("Exception"), err);
  }

  @Tag("node")
  @Test
  void repeatSaysHowStableEachVerdictWas() {
    int code = run(List.of(passing("twice")), "run", "--repeat", "2", "--client", nodeClient(scripts), "x.yaml");
    assertEquals(0, code, out + err);
    assertTrue(lines().contains("  twice / opens: passed 2/2"), out);
    assertTrue(lines().stream().anyMatch(l -> l.startsWith("[1/2] start twice run ")), out);
    assertEquals("1 passed, 0 failed", lines().get(lines().size() - 1));
  }

  @Test
  void badFlagsAndInvalidScenariosExitTwoAndRunNothing() {
    assertEquals(2, run(List.of(passing("x")), "run", "--parallel", "0", "x.yaml"));
    assertEquals("wschaos: --parallel: 0 is not a number of runs at once (1 or more)\n", err);
    assertEquals("", out);

    assertEquals(2, run(List.of(passing("x")), "run", "--repeat", "x", "x.yaml"));
    assertTrue(err.startsWith("wschaos: Invalid value for option '--repeat'"), err);

    ScenarioLoading broken = paths -> {
      throw new ScenarioLoading.ScenarioLoadException(List.of(
          "s/a.yaml:3:5: faults[0].close.code: 999 is not a valid close code", "s/b.yaml:1:1: name: missing"));
    };
    assertEquals(2, main(Wiring.builtin().withLoader(broken), "run", "s"));
    assertEquals("wschaos: s/a.yaml:3:5: faults[0].close.code: 999 is not a valid close code\n"
        + "wschaos: s/b.yaml:1:1: name: missing (2 problems; nothing ran)\n", err);

    Scenario noExpect = scenario("bare", feed(), client("true", 1, Map.of()), Duration.ofSeconds(1), List.of());
    assertEquals(2, run(List.of(noExpect), "run", "x.yaml"));
    assertEquals("wschaos: bare: expect: a scenario needs at least one expectation (nothing ran)\n", err);

    assertEquals(2, run(List.of(), "run", "empty/"));
    assertEquals("wschaos: no scenario files in empty\n", err);
  }

  @Test
  void aScenarioFileWithAnErrorIsBadInputWithItsLocationAndNothingRuns() throws Exception {
    Path file = dir.resolve("broken.yaml");
    java.nio.file.Files.writeString(file, String.join("\n",
        "name: broken",
        "server: {builtin: feed}",
        "client: {command: node never-started.js}",
        "duration: 5s",
        "faults:",
        "  - close: {code: 999}",
        "expect:",
        "  - closes_cleanly: {}",
        ""));
    int code = main("run", file.toString());
    String text = err;
    assertEquals(2, code, text);
    assertTrue(text.contains("broken.yaml:6:") && text.contains("faults[0].close.code: 999 is not a valid close code"), text);
    assertFalse(text.contains("Exception"), "located lines, no stack trace: " + text);
  }
}
