package io.wschaos.report;

import io.wschaos.journal.RunJournal;
import io.wschaos.journal.SuiteJournal;
import io.wschaos.timeline.JsonlWriter;
import io.wschaos.timeline.Redactor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The timelines of {@code --report DIR}: one JSONL file per run (docs/timeline.md), secrets
 * redacted. Named after the scenario ({@code reconnect-basic.jsonl}; with {@code --repeat},
 * {@code reconnect-basic.run-2.jsonl}); two scenarios with one name get {@code -2}, {@code -3}….
 * The HTML view will sit beside them.
 */
public final class JsonlReport {
  private JsonlReport() {}

  /** Writes every run's timeline into {@code dir} (created) and returns the files, in suite order. */
  public static List<Path> write(SuiteJournal suite, Path dir, Redactor redactor) throws IOException {
    Files.createDirectories(dir);
    List<Path> out = new ArrayList<>();
    List<String> names = fileNames(suite);
    for (int i = 0; i < names.size(); i++) {
      RunJournal r = suite.runs().get(i);
      Path file = dir.resolve(names.get(i));
      if (r.events() != null) {
        JsonlWriter.write(file, r.events(), redactor);
      } else {
        Files.copy(r.timelineFile(), file, StandardCopyOption.REPLACE_EXISTING); // the spill file is redacted already
      }
      out.add(file);
    }
    return out;
  }

  /** The file name of each run, in the order of {@link SuiteJournal#runs()}. */
  public static List<String> fileNames(SuiteJournal suite) {
    Map<String, String> baseByKey = new HashMap<>();
    Map<String, Integer> used = new HashMap<>();
    List<String> names = new ArrayList<>();
    for (RunJournal r : suite.runs()) {
      String base = baseByKey.computeIfAbsent(r.key(), k -> {
        String safe = safe(r.scenario());
        int n = used.merge(safe, 1, Integer::sum);
        return n == 1 ? safe : safe + "-" + n;
      });
      names.add(base + (r.runs() > 1 ? ".run-" + r.run() : "") + ".jsonl");
    }
    return names;
  }

  static String safe(String name) {
    String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]+", "-").replaceAll("^[-.]+|-+$", "");
    return s.isEmpty() ? "scenario" : s;
  }
}
