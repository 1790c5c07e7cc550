package io.wschaos.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wschaos.expect.Verdict;
import io.wschaos.journal.RunJournal;
import io.wschaos.journal.SuiteJournal;
import io.wschaos.journal.VerdictEntry;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.JsonlReader;
import io.wschaos.timeline.Phase;
import io.wschaos.timeline.Redactor;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Reports are pure functions of the journal: the same journal, the same text. */
class ReportsTest {
  static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

  static RunJournal run(String name, int run, int runs, String error, VerdictEntry... verdicts) {
    List<Event> events = List.of(new Event(1, 10, 1, 1, Phase.RUN, new EventBody.Attempt("127.0.0.1:1", "/", "token=secret", Map.of(), List.of(), null)));
    return new RunJournal(name, Path.of("s/" + name + ".yaml"), 42, run, runs, 1, T0, T0.plusMillis(1500), 5, 20_000_000, error == null,
        events, null, List.of(verdicts), error);
  }

  static VerdictEntry pass(String id) {
    return new VerdictEntry(id, id, Verdict.pass(true, id + " held", List.of(1L)));
  }

  static VerdictEntry fail(String id, String sentence) {
    return new VerdictEntry(id, id, Verdict.fail(sentence, List.of(1L)));
  }

  @Test
  void consoleLinesPerScenarioPerFailingExpectationAndTheClosingCount() {
    RunJournal ok = run("ok", 1, 1, null, pass("reconnect"));
    RunJournal bad = run("bad", 1, 1, null, pass("reconnect"), fail("delivered", "3 of 40 numbers never reached the proxy"));
    RunJournal env = run("env", 1, 1, "server.port 9000 is already in use");
    assertEquals("[1/3] start ok (seed 42)", ConsoleReport.started("ok", 42, 1, 1, 1, 3));
    assertEquals(List.of("[1/3] PASS  ok  1.5 s, seed 42 (every verdict final early)"), ConsoleReport.finished(ok, 1, 3));
    assertEquals(List.of("[2/3] FAIL  bad  1.5 s, seed 42 (every verdict final early)", "        delivered [fail]: 3 of 40 numbers never reached the proxy"),
        ConsoleReport.finished(bad, 2, 3));
    assertEquals(List.of("[3/3] ERROR env  1.5 s, seed 42: server.port 9000 is already in use"), ConsoleReport.finished(env, 3, 3));
    assertEquals(List.of("(1 of the failed had an environment error)", "1 passed, 2 failed"),
        ConsoleReport.summary(new SuiteJournal(T0, T0, 1, List.of(ok, bad, env))));
  }

  @Test
  void repeatedRunsReportHowStableEachVerdictWas() {
    SuiteJournal suite = new SuiteJournal(T0, T0, 3, List.of(
        run("flaky", 1, 3, null, pass("reconnect")), run("flaky", 2, 3, null, fail("reconnect", "late")), run("flaky", 3, 3, null, pass("reconnect"))));
    assertEquals(List.of("stability over 3 runs:", "  flaky / reconnect: passed 2/3", "0 passed, 1 failed"), ConsoleReport.summary(suite));
    assertEquals("[ 2/12] start flaky run 2/3 (seed 42)", ConsoleReport.started("flaky", 42, 2, 3, 2, 12));
  }

  @Test
  void junitHasASuitePerScenarioACasePerExpectationAndIsWellFormed() throws Exception {
    SuiteJournal suite = new SuiteJournal(T0, T0.plusSeconds(3), 1, List.of(
        run("a \"quoted\" <name>", 1, 1, null, pass("reconnect"), fail("delivered", "lost 3 & \u0001 out of <40>")),
        run("env", 1, 1, "port in use", pass("x"), new VerdictEntry("y", "y", Verdict.undecided(true, "not judged", List.of())))));
    String xml = JUnitReport.xml(suite);
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    Element root = doc.getDocumentElement();
    assertEquals("4", root.getAttribute("tests"));
    assertEquals("1", root.getAttribute("failures"));
    assertEquals("2", root.getAttribute("errors"), "every case of an errored scenario is an error");
    Element first = (Element) root.getElementsByTagName("testsuite").item(0);
    assertEquals("a \"quoted\" <name>", first.getAttribute("name"));
    assertEquals("2", first.getAttribute("tests"));
    Element failure = (Element) first.getElementsByTagName("failure").item(0);
    assertEquals("lost 3 & \uFFFD out of <40>", failure.getAttribute("message"));
    assertEquals("fail", failure.getAttribute("type"));
    Element seed = (Element) first.getElementsByTagName("property").item(0);
    assertEquals("42", seed.getAttribute("value"));
    assertEquals("port in use", ((Element) doc.getElementsByTagName("error").item(0)).getAttribute("message"));
  }

  @Test
  void timelinesGoOneFileARunRedactedWithDistinctNames(@TempDir Path dir) throws Exception {
    SuiteJournal suite = new SuiteJournal(T0, T0, 2, List.of(
        run("Same Name!", 1, 2, null, pass("x")), run("Same Name!", 2, 2, null, pass("x")),
        new RunJournal("Same Name!", Path.of("other.yaml"), 1, 1, 1, 1, T0, T0, 0, 0, false, List.of(), null, List.of(), null)));
    assertEquals(List.of("same-name.run-1.jsonl", "same-name.run-2.jsonl", "same-name-2.jsonl"), JsonlReport.fileNames(suite));
    List<Path> files = JsonlReport.write(suite, dir, Redactor.ON);
    EventBody.Attempt a = (EventBody.Attempt) JsonlReader.read(files.get(0)).get(0).body();
    assertEquals(Redactor.ON.query("token=secret"), a.query(), "the query token is redacted");
  }
}
