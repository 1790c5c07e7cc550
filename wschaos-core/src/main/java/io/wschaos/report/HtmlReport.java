package io.wschaos.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wschaos.journal.RunJournal;
import io.wschaos.journal.SuiteJournal;
import io.wschaos.journal.VerdictEntry;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.JsonlWriter;
import io.wschaos.timeline.Redactor;
import io.wschaos.timeline.ViewerPage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The HTML side of {@code --report DIR}: per run, one self-contained page (the timeline viewer,
 * {@link ViewerPage}) beside its JSONL file ({@code reconnect-basic.html} next to
 * {@code reconnect-basic.jsonl}), and {@code index.html} with pass/fail per scenario, per run and per
 * expectation. A pure function of the journal; secrets redacted like the JSONL.
 */
public final class HtmlReport {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HtmlReport() {}

  /** Writes every run's page and index.html into {@code dir} (created); returns the pages, index last. */
  public static List<Path> write(SuiteJournal suite, Path dir, Redactor redactor) throws IOException {
    Files.createDirectories(dir);
    List<String> names = JsonlReport.fileNames(suite);
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      RunJournal r = suite.runs().get(i);
      Path file = dir.resolve(htmlName(names.get(i)));
      Files.writeString(file, page(r, redactor), StandardCharsets.UTF_8);
      out.add(file);
    }
    Path index = dir.resolve("index.html");
    Files.writeString(index, index(suite, names), StandardCharsets.UTF_8);
    out.add(index);
    return out;
  }

  static String htmlName(String jsonlName) {
    return jsonlName.substring(0, jsonlName.length() - ".jsonl".length()) + ".html";
  }

  /** One run's page: the viewer with the run, its verdicts and its (redacted) events embedded. */
  public static String page(RunJournal r, Redactor redactor) throws IOException {
    ObjectNode head = JSON.createObjectNode();
    head.put("mode", "report");
    head.put("scenario", r.scenario());
    head.put("file", r.file() == null ? null : r.file().toString());
    head.put("seed", Long.toString(r.seed())); // a string: 63-bit seeds do not fit a JavaScript number
    head.put("run", r.run());
    head.put("runs", r.runs());
    head.put("outcome", r.outcome().name());
    if (r.environmentError() != null) {
      head.put("environmentError", r.environmentError());
    }
    ArrayNode vs = head.putArray("verdicts");
    for (VerdictEntry v : r.verdicts()) {
      ObjectNode o = vs.addObject();
      o.put("id", v.expectation());
      o.put("name", v.name());
      o.put("status", v.verdict().status().wire());
      o.put("sentence", v.verdict().sentence());
      ArrayNode ev = o.putArray("evidence");
      v.verdict().evidence().forEach(ev::add);
    }
    String headJson = JSON.writeValueAsString(head);
    // The spill file is redacted already; redacting it again would re-mask the masks.
    Redactor red = r.events() != null ? redactor : Redactor.OFF;
    List<Event> events = r.timeline();
    StringBuilder data = new StringBuilder(events.size() * 160 + headJson.length() + 32);
    data.append(headJson, 0, headJson.length() - 1).append(",\"events\":[");
    boolean first = true;
    for (Event e : events) {
      byte[] line = JsonlWriter.line(e, red);
      if (!first) {
        data.append(',');
      }
      first = false;
      data.append(new String(line, 0, line.length - 1, StandardCharsets.UTF_8));
    }
    data.append("]}");
    return ViewerPage.render(data);
  }

  static String index(SuiteJournal suite, List<String> names) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
        .append("<title>wschaos report</title><style>")
        .append("body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1d2330}table{border-collapse:collapse}")
        .append("td,th{border-bottom:1px solid #dde;padding:4px 10px;text-align:left;vertical-align:top}")
        .append(".PASSED,.pass{color:#14612a;font-weight:600}.FAILED,.ERROR,.fail,.undecided{color:#8a1414;font-weight:600}")
        .append("ul{margin:0;padding-left:16px}</style></head><body>\n");
    b.append("<h1>wschaos report: <span class=\"").append(suite.outcome()).append("\">").append(suite.outcome()).append("</span></h1>\n");
    long passed = suite.scenarios().stream().filter(s -> s.outcome() == RunJournal.Outcome.PASSED).count();
    b.append("<p>").append(passed).append(" of ").append(suite.scenarios().size()).append(" scenarios passed</p>\n");
    b.append("<table id=\"scenarios\"><thead><tr><th>scenario</th><th>outcome</th><th>runs</th><th>expectations</th></tr></thead><tbody>\n");
    for (SuiteJournal.ScenarioResult s : suite.scenarios()) {
      b.append("<tr class=\"scenario\" data-outcome=\"").append(s.outcome()).append("\"><td>").append(esc(s.scenario())).append("</td>");
      b.append("<td class=\"").append(s.outcome()).append("\">").append(s.outcome()).append("</td><td>");
      for (RunJournal r : s.runs()) {
        int i = suite.runs().indexOf(r);
        String href = htmlName(names.get(i));
        b.append("<a href=\"").append(esc(href)).append("\">").append(s.runs().size() > 1 ? "run " + r.run() : "timeline").append("</a> ");
        b.append("<span class=\"").append(r.outcome()).append("\">").append(r.outcome()).append("</span>");
        if (r.environmentError() != null) {
          b.append(" ").append(esc(r.environmentError()));
        }
        b.append("<br>");
      }
      b.append("</td><td><ul>");
      for (String x : s.expectations()) {
        int p = s.passes(x);
        String cls = p == s.runs().size() ? "pass" : "fail";
        b.append("<li class=\"expectation ").append(cls).append("\">").append(cls.toUpperCase()).append(" ").append(esc(x));
        if (s.runs().size() > 1) {
          b.append(" (").append(p).append("/").append(s.runs().size()).append(")");
        }
        for (RunJournal r : s.runs()) {
          for (VerdictEntry v : r.verdicts()) {
            if (v.expectation().equals(x) && !v.passed()) {
              b.append("<br><small>").append(esc(v.verdict().sentence())).append("</small>");
            }
          }
        }
        b.append("</li>");
      }
      b.append("</ul></td></tr>\n");
    }
    b.append("</tbody></table></body></html>\n");
    return b.toString();
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
