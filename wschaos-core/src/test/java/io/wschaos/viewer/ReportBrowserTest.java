package io.wschaos.viewer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.expect.Verdict;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Leg;
import io.wschaos.journal.RunJournal;
import io.wschaos.journal.SuiteJournal;
import io.wschaos.journal.VerdictEntry;
import io.wschaos.report.HtmlReport;
import io.wschaos.report.JsonlReport;
import io.wschaos.testsupport.Browser;
import io.wschaos.testsupport.NodeProcess;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Phase;
import io.wschaos.timeline.Redactor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The HTML report opened from disk in headless Chromium: what a person checks on it. */
@Tag("browser")
class ReportBrowserTest {
  static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
  static final String HOSTILE = "</script><img src=x onerror=alert(1)>";

  /** Builds a timeline event by event, seq from 1, t in ms. */
  static final class Tl {
    final List<Event> events = new ArrayList<>();

    long add(double ms, int link, int client, EventBody body) {
      long seq = events.size() + 1;
      events.add(new Event(seq, (long) (ms * 1000), link, client, Phase.RUN, body));
      return seq;
    }
  }

  static RunJournal run(String name, Tl tl, List<VerdictEntry> verdicts) {
    return new RunJournal(name, Path.of(name + ".yaml"), 7, 1, 1, 2, T0, T0.plusSeconds(3), 0, 3_000_000, false, tl.events, null, verdicts, null);
  }

  static Path dir(String name) throws Exception {
    Path d = NodeProcess.projectRoot().resolve("target/viewer-reports").resolve(name);
    Files.createDirectories(d);
    return d;
  }

  @Test
  void oneLanePerLinkCloseCodesOnBarsAndAFailedVerdictHighlightsItsEvidence() throws Exception {
    Tl tl = new Tl();
    tl.add(1, 1, 1, new EventBody.Attempt("127.0.0.1:5000", "/feed", "token=s3cret", Map.of("Cookie", List.of("id=42")), List.of(), null));
    tl.add(3, 1, 1, new EventBody.Open(null));
    for (int i = 1; i <= 20; i++) {
      tl.add(50 * i, 1, 1, new EventBody.Message(Direction.TO_CLIENT, i, "text", 30, 1, "{\"seq\":" + i + "}", false));
      tl.add(50 * i + 5, 1, 1, new EventBody.Message(Direction.TO_SERVER, i, "text", 10, 1, "ack " + i, false));
    }
    tl.add(400, 1, 1, new EventBody.Fault("slow", "delay", "started", null, null, null));
    tl.add(700, 1, 1, new EventBody.Fault("slow", "delay", "stopped", null, null, null));
    long close = tl.add(1100, 1, 1, new EventBody.Close(Leg.CLIENT, "proxy", 1001, "server restart", "restart"));
    tl.add(1102, 1, 1, new EventBody.Ended(200, 600));
    tl.add(1300, 2, 1, new EventBody.Attempt("127.0.0.1:5001", "/feed", null, Map.of(), List.of(), null));
    long rejected = tl.add(1302, 2, 1, new EventBody.Rejected(503, "proxy", "f3"));
    tl.add(1310, 2, 1, new EventBody.Ended(0, 0));
    tl.add(20, 3, 2, new EventBody.Attempt("127.0.0.1:5002", "/feed", null, Map.of(), List.of(), null));
    long open3 = tl.add(22, 3, 2, new EventBody.Open(null));
    tl.add(900, 3, 2, new EventBody.Close(Leg.SERVER, "server", 1011, null, null));
    tl.add(905, 3, 2, new EventBody.Ended(0, 0));
    List<VerdictEntry> verdicts = List.of(
        new VerdictEntry("connects", "connects", Verdict.pass(true, "client 2 connected at 22 ms", List.of(open3))),
        new VerdictEntry("reconnect", "reconnect", Verdict.fail("expected a reconnect within 1 s after close 1001 at 1.100 s; the attempt at 1.300 s was rejected with 503", List.of(close, rejected))));
    SuiteJournal suite = new SuiteJournal(T0, T0.plusSeconds(3), 1, List.of(run("lanes and verdicts", tl, verdicts)));
    Path d = dir("lanes");
    JsonlReport.write(suite, d, Redactor.ON);
    List<Path> pages = HtmlReport.write(suite, d, Redactor.ON);
    Path page = d.resolve("lanes-and-verdicts.html");
    assertEquals(List.of(page, d.resolve("index.html")), pages);
    assertTrue(Files.exists(d.resolve("lanes-and-verdicts.jsonl")), "the page sits beside its JSONL");
    String html = Files.readString(page);
    assertFalse(html.contains("s3cret") || html.contains("id=42"), "secrets are redacted in the page");
    assertFalse(html.matches("(?s).*<(script|link)[^>]*\\bsrc=.*") || html.contains("http://") || html.contains("https://"), "nothing external");
    String index = Files.readString(d.resolve("index.html"));
    assertTrue(index.contains("FAIL reconnect") && index.contains("PASS connects") && index.contains("href=\"lanes-and-verdicts.html\""), index);

    List<JsonNode> out = Browser.run(Duration.ofSeconds(40), "report", page.toString(), Browser.shots("report").toString());
    JsonNode lanes = Browser.event(out, "lanes");
    assertEquals(List.of(1, 2, 3), ints(lanes.path("lanes"), "link"), "one lane per link");
    assertEquals(List.of(1, 1, 2), ints(lanes.path("lanes"), "client"), "grouped by client");
    assertEquals(List.of(1, 2, 3), ints(lanes.path("laneLabels"), "link"));
    Set<String> labels = Set.copyOf(StreamSupport.stream(lanes.path("labels").spliterator(), false)
        .map(j -> j.path("link").asInt() + ": " + j.path("text").asText()).toList());
    assertTrue(labels.contains("1: 1001 by proxy (server restart)"), "close code on link 1's bar: " + labels);
    assertTrue(labels.contains("2: HTTP 503 by proxy"), "rejected attempt marked with its status: " + labels);
    assertTrue(labels.contains("3: 1011 by server"), labels.toString());

    JsonNode sel = Browser.event(out, "selected");
    assertEquals("reconnect", sel.path("expectation").asText());
    assertEquals("reconnect", sel.path("selectedClass").asText());
    assertEquals(List.of(close, rejected), longs(sel.path("highlighted")), "the failed verdict's evidence is highlighted");
    sel.path("inView").forEach(b -> assertTrue(b.asBoolean(), "the view scrolled to the evidence: " + sel));
    assertEquals(2, sel.path("evidenceItems").size());
    assertTrue(sel.path("evidenceItems").get(0).asText().contains("close") && sel.path("evidenceItems").get(1).asText().contains("503"), sel.toString());
    JsonNode hover = Browser.event(out, "hover");
    assertTrue(hover.path("shown").asBoolean() && hover.path("text").asText().contains("code: 1001") && hover.path("text").asText().contains("reason: server restart"), hover.toString());
    JsonNode pg = Browser.event(out, "page");
    assertEquals(0, pg.path("errors").size(), pg.toString());
    assertEquals(0, pg.path("external").size(), "nothing fetched: " + pg);
  }

  @Test
  void aHostileMessageShowsAsTextAndRunsNothing() throws Exception {
    Tl tl = new Tl();
    tl.add(1, 1, 1, new EventBody.Attempt("127.0.0.1:5000", "/", null, Map.of(), List.of(), null));
    tl.add(2, 1, 1, new EventBody.Open(null));
    long msg = tl.add(10, 1, 1, new EventBody.Message(Direction.TO_CLIENT, 1, "text", HOSTILE.length(), 1, HOSTILE, false));
    tl.add(20, 1, 1, new EventBody.Close(Leg.SERVER, "server", 1000, HOSTILE, null));
    tl.add(21, 1, 1, new EventBody.Ended(0, HOSTILE.length()));
    List<VerdictEntry> verdicts = List.of(new VerdictEntry("x", "delivered", Verdict.fail(HOSTILE, List.of(msg))));
    SuiteJournal suite = new SuiteJournal(T0, T0, 1, List.of(run(HOSTILE, tl, verdicts)));
    Path d = dir("xss");
    HtmlReport.write(suite, d, Redactor.ON);
    Path page = d.resolve(JsonlReport.fileNames(suite).get(0).replace(".jsonl", ".html"));
    String html = Files.readString(page);
    assertFalse(html.contains("<img") || html.contains("</script><img"), "the payload is escaped in the page");
    assertFalse(Files.readString(d.resolve("index.html")).contains("<img"));

    List<JsonNode> out = Browser.run(Duration.ofSeconds(40), "xss", page.toString(), Browser.shots("xss").toString(), Long.toString(msg));
    JsonNode x = Browser.event(out, "xss");
    assertTrue(x.path("tip").asText().contains("preview: " + HOSTILE), "the payload shows as text: " + x);
    assertEquals(0, x.path("imgs").asInt(), "no element was made from the payload");
    assertEquals(0, x.path("dialogs").size(), "nothing ran: " + x);
    assertEquals(0, x.path("errors").size(), x.toString());
    assertEquals(0, x.path("external").size(), x.toString());
  }

  @Test
  void aFiftyThousandEventReportPaintsFastZoomsFastAndStaysSmall() throws Exception {
    Tl tl = new Tl();
    int links = 20;
    double t = 0;
    for (int l = 1; l <= links; l++) {
      int client = (l - 1) % 4 + 1;
      double start = (l - 1) * 1000;
      tl.add(start, l, client, new EventBody.Attempt("127.0.0.1:" + (6000 + l), "/feed", "token=abc", Map.of(), List.of(), null));
      tl.add(start + 2, l, client, new EventBody.Open(null));
      for (int i = 1; i <= 2496; i++) {
        Direction to = i % 3 == 0 ? Direction.TO_SERVER : Direction.TO_CLIENT;
        tl.add(start + 2 + i * 4, l, client, new EventBody.Message(to, i, "text", 40, 1, "{\"type\":\"data\",\"seq\":" + i + ",\"x\":\"abcdef\"}", false));
      }
      t = start + 2 + 2497 * 4;
      tl.add(t, l, client, new EventBody.Close(Leg.CLIENT, "proxy", 1001, "restart", "restart"));
      tl.add(t + 1, l, client, new EventBody.Ended(1000, 40000));
    }
    assertEquals(50_000, tl.events.size());
    List<VerdictEntry> verdicts = List.of(new VerdictEntry("reconnect", "reconnect", Verdict.fail("none came", List.of(1L, 50_000L))));
    SuiteJournal suite = new SuiteJournal(T0, T0, 1, List.of(run("dense", tl, verdicts)));
    Path d = dir("dense");
    HtmlReport.write(suite, d, Redactor.ON);
    Path page = d.resolve("dense.html");
    long size = Files.size(page);
    assertTrue(size <= 25L * 1024 * 1024, "file " + size + " bytes");

    List<JsonNode> out = Browser.run(Duration.ofSeconds(60), "perf", page.toString(), Browser.shots("perf").toString());
    JsonNode p = Browser.event(out, "perf");
    System.out.printf("50 000-event report: %d bytes, first paint %d ms (in page %.0f ms), zooms %s%n",
        size, p.path("firstPaintWallMs").asLong(), p.path("firstPaintInPageMs").asDouble(), p.path("zooms"));
    assertEquals(50_000, p.path("events").asInt());
    assertTrue(p.path("firstPaintWallMs").asLong() <= 5000, "first paint " + p);
    for (JsonNode z : p.path("zooms")) {
      assertTrue(z.path("roundTripMs").asLong() <= 200, "re-render after zoom " + z);
    }
    assertEquals(0, p.path("errors").size(), p.toString());
  }

  static List<Integer> ints(JsonNode arr, String field) {
    List<Integer> out = new ArrayList<>();
    arr.forEach(j -> out.add(j.path(field).asInt()));
    return out;
  }

  static List<Long> longs(JsonNode arr) {
    List<Long> out = new ArrayList<>();
    arr.forEach(j -> out.add(j.asLong()));
    return out;
  }
}
