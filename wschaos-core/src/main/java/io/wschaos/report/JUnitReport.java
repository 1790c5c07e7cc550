package io.wschaos.report;

import io.wschaos.journal.RunJournal;
import io.wschaos.journal.SuiteJournal;
import io.wschaos.journal.VerdictEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * JUnit XML ({@code --junit FILE}), the format CI systems render: a {@code <testsuite>} per
 * scenario, a {@code <testcase>} per expectation. A failed or undecided verdict is a {@code
 * <failure message="its sentence">}; a scenario with an environment error has an {@code <error>} on
 * each of its test cases. The seed is a property of each suite.
 *
 * <p>With {@code --repeat N} a suite stands for all N runs of its scenario: a test case fails when
 * any run failed it, and its message says how often it passed ({@code passed 2/3: …}).
 */
public final class JUnitReport {
  private JUnitReport() {}

  public static void write(SuiteJournal suite, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, xml(suite), StandardCharsets.UTF_8);
  }

  public static String xml(SuiteJournal suite) {
    List<String> suites = new ArrayList<>();
    int tests = 0;
    int failures = 0;
    int errors = 0;
    for (SuiteJournal.ScenarioResult s : suite.scenarios()) {
      StringBuilder cases = new StringBuilder();
      int sTests = 0;
      int sFailures = 0;
      int sErrors = 0;
      String envError = null;
      for (RunJournal r : s.runs()) {
        if (r.environmentError() != null) {
          envError = (s.runs().size() > 1 ? "run " + r.run() + ": " : "") + r.environmentError();
          break;
        }
      }
      List<String> ids = s.expectations();
      if (ids.isEmpty()) {
        ids = List.of("(scenario)");
      }
      for (String id : ids) {
        sTests++;
        double time = 0;
        cases.append("    <testcase classname=\"").append(attr(s.scenario())).append("\" name=\"").append(attr(id)).append('"');
        for (RunJournal r : s.runs()) {
          time += r.elapsed().toMillis() / 1000.0;
        }
        cases.append(" time=\"").append(seconds(time / s.runs().size())).append('"');
        if (envError != null) {
          sErrors++;
          cases.append(">\n      <error type=\"environment\" message=\"").append(attr(envError)).append("\">")
              .append(text(envError)).append("</error>\n    </testcase>\n");
          continue;
        }
        VerdictEntry failing = null;
        RunJournal failingRun = null;
        for (RunJournal r : s.runs()) {
          for (VerdictEntry v : r.verdicts()) {
            if (v.expectation().equals(id) && !v.passed() && failing == null) {
              failing = v;
              failingRun = r;
            }
          }
        }
        if (failing == null) {
          cases.append("/>\n");
          continue;
        }
        sFailures++;
        String message = s.runs().size() > 1
            ? "passed " + s.passes(id) + "/" + s.runs().size() + "; run " + failingRun.run() + ": " + failing.verdict().sentence()
            : failing.verdict().sentence();
        cases.append(">\n      <failure type=\"").append(failing.verdict().status().wire()).append("\" message=\"").append(attr(message)).append("\">")
            .append(text(message + "\nevidence (timeline seq): " + failing.verdict().evidence())).append("</failure>\n    </testcase>\n");
      }
      tests += sTests;
      failures += sFailures;
      errors += sErrors;
      RunJournal first = s.runs().get(0);
      StringBuilder one = new StringBuilder();
      one.append("  <testsuite name=\"").append(attr(s.scenario())).append("\" tests=\"").append(sTests)
          .append("\" failures=\"").append(sFailures).append("\" errors=\"").append(sErrors).append("\" skipped=\"0\" time=\"")
          .append(seconds(s.elapsed().toMillis() / 1000.0)).append("\" timestamp=\"")
          .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(first.started().truncatedTo(ChronoUnit.SECONDS).atOffset(ZoneOffset.UTC)))
          .append("\">\n");
      one.append("    <properties>\n");
      one.append(property("seed", Long.toString(s.seed())));
      if (s.file() != null) {
        one.append(property("file", s.file().toString()));
      }
      one.append(property("runs", Integer.toString(s.runs().size())));
      one.append(property("instances", Integer.toString(first.instances())));
      one.append("    </properties>\n");
      one.append(cases);
      one.append("  </testsuite>\n");
      suites.add(one.toString());
    }
    StringBuilder out = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.append("<testsuites name=\"wschaos\" tests=\"").append(tests).append("\" failures=\"").append(failures)
        .append("\" errors=\"").append(errors).append("\" time=\"").append(seconds(suite.elapsed().toMillis() / 1000.0)).append("\">\n");
    suites.forEach(out::append);
    out.append("</testsuites>\n");
    return out.toString();
  }

  private static String property(String name, String value) {
    return "      <property name=\"" + attr(name) + "\" value=\"" + attr(value) + "\"/>\n";
  }

  private static String seconds(double s) {
    return String.format(Locale.ROOT, "%.3f", s);
  }

  /** Escaped for an attribute value; characters XML 1.0 cannot hold become U+FFFD. */
  static String attr(String s) {
    return escape(s, true);
  }

  static String text(String s) {
    return escape(s, false);
  }

  private static String escape(String s, boolean attribute) {
    StringBuilder b = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append(attribute ? "&quot;" : "\"");
        case '\n' -> b.append(attribute ? "&#10;" : "\n");
        case '\r' -> b.append("&#13;");
        case '\t' -> b.append(attribute ? "&#9;" : "\t");
        default -> {
          if (c < 0x20 || c == 0xFFFE || c == 0xFFFF) {
            b.append('\uFFFD');
          } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
            b.append(c).append(s.charAt(++i));
          } else if (Character.isSurrogate(c)) {
            b.append('\uFFFD');
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
