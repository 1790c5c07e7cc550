package io.wschaos.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Part 4: what the example suite costs to run. Runs the scenario runner ({@code wschaos run}) as a
 * child process on a 3-scenario subset of scenarios/ (copied with the suite's wschaos.yaml, so the
 * suite defaults apply) and, when there is time, the whole example suite as {@code make run} does
 * ({@code bash examples/run-suite.sh}: both example clients, 11 scenarios each).
 *
 * <p>Wall time is spawn → exit seen from here. CPU is bash's {@code times} after the command: user
 * and system time of the runner JVM and of every descendant it waited for (the node clients, which
 * the runner spawns through setsid and reaps), from getrusage(RUSAGE_CHILDREN), to the millisecond.
 *
 * <p>Per scenario, from its JSONL timeline in the report folder (t = 0 is when the runner created
 * the scenario's timeline, before it starts the server): the builtin server's {@code started} and
 * {@code ready}, the client's {@code spawned} (after the proxy listens and the scenario origin is
 * set), and the first {@code attempt} (the client's first handshake reaching the proxy).
 */
final class SuiteCost implements BenchSuite.Part {
  /** Three of the shortest scenarios (6 s each), one from each of three folders. */
  static final List<String> SUBSET =
      List.of("malformed/bad-json.yaml", "delivery/duplicates-and-reorder.yaml", "reconnect/going-away-and-abort.yaml");

  static final String CLIENT = "node examples/clients/resilient.js";
  private static final Pattern TIMES = Pattern.compile("^(\\d+)m([\\d.]+)s (\\d+)m([\\d.]+)s$");
  private static final Pattern START = Pattern.compile("^\\[ *(\\d+)/(\\d+)\\] start (\\S+)");

  JsonObject subset;
  JsonObject full;

  public String title() {
    return "4. Suite cost";
  }

  public void run(BenchSuite s) throws Exception {
    if (!s.opt.suiteCost) {
      return;
    }
    Path dir = s.opt.work.resolve("suite-cost").toAbsolutePath();
    deleteTree(dir);
    Path scen = dir.resolve("scenarios");
    Files.createDirectories(scen);
    Path src = Path.of("scenarios");
    Files.copy(src.resolve("wschaos.yaml"), scen.resolve("wschaos.yaml"));
    for (String f : SUBSET) {
      Files.copy(src.resolve(f), scen.resolve(Path.of(f).getFileName()));
    }
    Path report = dir.resolve("report");
    String runner = BenchSuite.javaExe() + " -jar " + s.opt.jar + " run --client \"" + CLIENT + "\" --report " + report + " " + scen;
    subset = measure(s, "suite-cost-subset", runner, Duration.ofSeconds(120));
    subset.put("scenarios", new JsonArray(SUBSET)).put("client", CLIENT);
    subset.put("perScenario", timelines(List.of(report)));
    BenchSuite.log("suite cost, 3 scenarios: wall %.1f s, CPU %.2f s (user %.2f + sys %.2f), exit %s", subset.getDouble("wallSeconds"),
        subset.getDouble("cpuSeconds", Double.NaN), subset.getDouble("userSeconds", Double.NaN), subset.getDouble("sysSeconds", Double.NaN),
        subset.getValue("exitCode"));

    if (s.opt.quick) {
      full = new JsonObject().put("skipped", "not run with --quick");
    } else if (s.secondsLeft() < 200) {
      full = new JsonObject().put("skipped", "not enough time left under the " + s.opt.timeLimitSeconds + " s limit ("
          + s.secondsLeft() + " s)");
    } else {
      full = measure(s, "suite-cost-full", "bash examples/run-suite.sh", Duration.ofSeconds(Math.min(240, s.secondsLeft() - 30)));
      Path reports = Path.of("target/example-reports").toAbsolutePath();
      full.put("perScenario", timelines(List.of(reports.resolve("resilient"), reports.resolve("naive"))));
      BenchSuite.log("suite cost, example suite: wall %.1f s, CPU %.2f s, exit %s", full.getDouble("wallSeconds"),
          full.getDouble("cpuSeconds", Double.NaN), full.getValue("exitCode"));
    }
  }

  /** Runs {@code command} under bash, with {@code times} after it; wall time, CPU, the console's start lines. */
  private static JsonObject measure(BenchSuite s, String tag, String command, Duration limit) throws Exception {
    Path log = s.opt.work.resolve("logs/" + tag + ".log");
    List<String> cmd = List.of("bash", "-c", command + "; rc=$?; times; exit $rc");
    JsonObject r = new JsonObject().put("command", command);
    long t0 = System.nanoTime();
    Procs.Managed p = Procs.start(tag, cmd, log);
    JsonArray starts = new JsonArray();
    int seen = 0;
    long deadline = t0 + limit.toNanos();
    try {
      while (p.alive() && System.nanoTime() < deadline) {
        p.process.waitFor(20, TimeUnit.MILLISECONDS);
        seen = scanStarts(log, seen, starts, t0);
      }
      if (p.alive()) {
        r.put("error", "still running after " + limit.toSeconds() + " s; stopped");
      }
    } finally {
      p.stop(Duration.ofSeconds(5));
    }
    long t1 = System.nanoTime();
    scanStarts(log, seen, starts, t0);
    r.put("wallSeconds", (t1 - t0) / 1e9).put("exitCode", p.process.exitValue()).put("startLines", starts);
    List<String> lines = Files.readAllLines(log);
    for (int i = lines.size() - 1; i >= 0; i--) {
      Matcher m = TIMES.matcher(lines.get(i).trim());
      if (m.matches()) { // the last of the two lines of `times`: the children's user and system time
        double user = Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2));
        double sys = Integer.parseInt(m.group(3)) * 60 + Double.parseDouble(m.group(4));
        r.put("userSeconds", user).put("sysSeconds", sys).put("cpuSeconds", user + sys);
        break;
      }
    }
    long passed = lines.stream().filter(l -> l.matches("^\\[ *\\d+/\\d+\\] PASS .*")).count();
    long failed = lines.stream().filter(l -> l.matches("^\\[ *\\d+/\\d+\\] (FAIL|ERROR) .*")).count();
    r.put("passed", passed).put("failed", failed);
    for (String l : lines) {
      if (l.startsWith("as documented:") || l.contains("failures differ") || l.contains("expected every expectation")) {
        r.put("outcome", l.trim());
      }
    }
    return r;
  }

  /** Adds the "[k/n] start NAME" lines that appeared since the last scan, with when they were seen (s since spawn). */
  private static int scanStarts(Path log, int seen, JsonArray starts, long t0) throws IOException {
    if (!Files.exists(log)) {
      return seen;
    }
    List<String> lines = Files.readAllLines(log);
    double at = (System.nanoTime() - t0) / 1e9;
    for (int i = seen; i < lines.size(); i++) {
      Matcher m = START.matcher(lines.get(i));
      if (m.find()) {
        starts.add(new JsonObject().put("scenario", m.group(3)).put("seenAtSeconds", at));
      }
    }
    return lines.size();
  }

  /** Per scenario timeline: ms from t = 0 to server started / ready, client spawned, first attempt. */
  static JsonArray timelines(List<Path> folders) throws IOException {
    JsonArray out = new JsonArray();
    for (Path folder : folders) {
      if (!Files.isDirectory(folder)) {
        continue;
      }
      List<Path> files;
      try (Stream<Path> st = Files.list(folder)) {
        files = st.filter(f -> f.toString().endsWith(".jsonl")).sorted(Comparator.naturalOrder()).toList();
      }
      for (Path f : files) {
        JsonObject r = new JsonObject().put("scenario", f.getFileName().toString().replaceFirst("\\.jsonl$", ""))
            .put("folder", folder.getFileName().toString());
        long attempts = 0;
        try (BufferedReader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
          String line;
          while ((line = in.readLine()) != null) {
            if (line.isBlank()) {
              continue;
            }
            JsonObject e = new JsonObject(line);
            if (e.getInteger("v", 0) != 1) {
              throw new IOException(f + ": timeline schema v=" + e.getValue("v") + ", this bench reads v=1");
            }
            String kind = e.getString("kind");
            double t = e.getDouble("t");
            String action = e.getString("action");
            if ("server".equals(kind) && "started".equals(action)) {
              r.put("serverStartedMs", r.getDouble("serverStartedMs", t));
            } else if ("server".equals(kind) && "ready".equals(action)) {
              r.put("serverReadyMs", r.getDouble("serverReadyMs", t));
            } else if ("client".equals(kind) && "spawned".equals(action)) {
              r.put("clientSpawnedMs", r.getDouble("clientSpawnedMs", t));
            } else if ("attempt".equals(kind)) {
              attempts++;
              r.put("firstAttemptMs", r.getDouble("firstAttemptMs", t));
            } else if ("client".equals(kind) && "exited".equals(action)) {
              r.put("clientExitedMs", t);
            } else if ("server".equals(kind) && "stopped".equals(action)) {
              r.put("serverStoppedMs", t);
            }
            r.put("lastEventMs", t);
          }
        }
        r.put("attempts", attempts);
        out.add(r);
      }
    }
    return out;
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> st = Files.walk(dir)) {
      for (Path p : st.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  // ---------------------------------------------------------------- report

  public void report(BenchSuite s, StringBuilder md) {
    md.append("## ").append(title()).append("\n\n");
    if (!s.opt.suiteCost || subset == null) {
      md.append("Not run").append(s.opt.suiteCost ? " (the part did not finish; see the problems below)" : " (`--skip-suite-cost`)")
          .append(".\n\n");
      return;
    }
    md.append("The scenario runner as a child process, as a user runs it. **Subset**: ")
        .append(SUBSET.size()).append(" of the shortest scenarios (")
        .append(String.join(", ", SUBSET.stream().map(x -> "`scenarios/" + x + "`").toList()))
        .append("; `duration: 6s` each), copied with `scenarios/wschaos.yaml` into one folder so the suite's defaults apply, run one after ")
        .append("the other against `").append(CLIENT).append("`:\n\n```\njava -jar target/wschaos.jar run --client \"").append(CLIENT)
        .append("\" --report DIR SUBSET-FOLDER\n```\n\n");
    md.append("**Example suite**: `bash examples/run-suite.sh` as `make run` does (every scenario of `scenarios/` against `resilient.js`, ")
        .append("then against `naive.js`, `--parallel 2` each, through `bin/wschaos`).\n\n");
    md.append("Wall time is from spawning the command to its exit. CPU is bash's `times` after the command: user + system time of the ")
        .append("runner JVM and every process it waited for (the node clients, which the runner starts with setsid and reaps); it does ")
        .append("not depend on other tenants' load the way wall time does, apart from cache effects.\n\n");
    md.append("| run | scenarios | wall s | CPU s (user + sys) | CPU ÷ wall | result |\n|---|---|---|---|---|---|\n");
    costRow(md, "3-scenario subset, resilient.js", subset, SUBSET.size() + " (" + subset.getLong("passed", 0L) + " passed)");
    if (full == null || full.getString("skipped") != null) {
      md.append("| example suite, both clients | — | not run: ")
          .append(full == null ? "no result" : full.getString("skipped")).append(" | | | |\n");
    } else {
      costRow(md, "example suite (`make run`), both clients", full,
          (full.getLong("passed", 0L) + full.getLong("failed", 0L)) + " runs (" + full.getLong("passed", 0L) + " passed, "
              + full.getLong("failed", 0L) + " failed)");
    }
    md.append("\n");
    JsonArray starts = subset.getJsonArray("startLines", new JsonArray());
    if (!starts.isEmpty()) {
      md.append("From spawning the runner to its first `[1/").append(SUBSET.size()).append("] start` line on the console (JVM start, ")
          .append("loading and checking the scenarios): **").append(Report.fmt(starts.getJsonObject(0).getDouble("seenAtSeconds") * 1000, 0))
          .append(" ms** (seen by polling the log every 20 ms).\n\n");
    }
    md.append("**Per scenario, from its timeline** (ms since the scenario's t = 0, when the runner creates its timeline; then it starts ")
        .append("the builtin server, the proxy in front of it — the scenario origin is set when the proxy listens — and then the client; ")
        .append("the first `attempt` is the client's first handshake accepted by the proxy, so spawned → attempt is mostly node's start-up). The subset's rows are in the order they ran: the first scenario ")
        .append("in a fresh runner JVM runs its code cold (class loading, interpreter), the later ones show the steady overhead:\n\n");
    md.append("| run | scenario | server started | server ready | client spawned | first attempt | spawned → attempt | attempts | last event |\n")
        .append("|---|---|---|---|---|---|---|---|---|\n");
    // The subset's rows in the order they ran (the first scenario of a fresh JVM runs cold).
    List<String> order = new ArrayList<>();
    starts.forEach(o -> order.add(((JsonObject) o).getString("scenario")));
    List<JsonObject> sub = new ArrayList<>();
    subset.getJsonArray("perScenario", new JsonArray()).forEach(o -> sub.add((JsonObject) o));
    sub.sort(Comparator.comparingInt(o -> order.indexOf(o.getString("scenario")) < 0 ? 99 : order.indexOf(o.getString("scenario"))));
    scenarioRows(md, "subset", new JsonArray(new ArrayList<>(sub)), true);
    if (full != null && full.getString("skipped") == null) {
      scenarioRows(md, "suite", full.getJsonArray("perScenario", new JsonArray()), false);
    }
    md.append("\n");
    if (full != null && full.getString("outcome") != null) {
      md.append("Example suite outcome: ").append(full.getString("outcome")).append("\n\n");
    }
  }

  private static void costRow(StringBuilder md, String name, JsonObject r, String scenarios) {
    Double cpu = r.getDouble("cpuSeconds");
    double wall = r.getDouble("wallSeconds", Double.NaN);
    md.append("| ").append(name).append(" | ").append(scenarios).append(" | ").append(Report.fmt(wall, 1)).append(" | ")
        .append(cpu == null ? "n/a" : Report.fmt(cpu, 2) + " (" + Report.fmt(r.getDouble("userSeconds"), 2) + " + "
            + Report.fmt(r.getDouble("sysSeconds"), 2) + ")")
        .append(" | ").append(cpu == null ? "n/a" : Report.fmt(cpu / wall, 2)).append(" | exit ").append(r.getValue("exitCode"))
        .append(r.getString("error") == null ? "" : ", " + r.getString("error")).append(" |\n");
  }

  /** The subset's scenarios one by one; the whole suite's as median [min–max] per client. */
  private static void scenarioRows(StringBuilder md, String run, JsonArray rows, boolean each) {
    if (each) {
      for (int i = 0; i < rows.size(); i++) {
        JsonObject r = rows.getJsonObject(i);
        md.append("| ").append(run).append(" | ").append(r.getString("scenario")).append(" | ").append(ms(r, "serverStartedMs"))
            .append(" | ").append(ms(r, "serverReadyMs")).append(" | ").append(ms(r, "clientSpawnedMs")).append(" | ")
            .append(ms(r, "firstAttemptMs")).append(" | ").append(diff(r, "clientSpawnedMs", "firstAttemptMs")).append(" | ")
            .append(r.getLong("attempts")).append(" | ").append(ms(r, "lastEventMs")).append(" |\n");
      }
      return;
    }
    for (String folder : List.of("resilient", "naive")) {
      List<JsonObject> rs = new ArrayList<>();
      rows.forEach(o -> {
        if (folder.equals(((JsonObject) o).getString("folder"))) {
          rs.add((JsonObject) o);
        }
      });
      if (rs.isEmpty()) {
        continue;
      }
      md.append("| suite, ").append(folder).append(".js | ").append(rs.size()).append(" scenarios: median [min–max] | ")
          .append(spread(rs, "serverStartedMs", null)).append(" | ").append(spread(rs, "serverReadyMs", null)).append(" | ")
          .append(spread(rs, "clientSpawnedMs", null)).append(" | ").append(spread(rs, "firstAttemptMs", null)).append(" | ")
          .append(spread(rs, "firstAttemptMs", "clientSpawnedMs")).append(" | ")
          .append(rs.stream().mapToLong(o -> o.getLong("attempts", 0L)).sum()).append(" in all | ")
          .append(spread(rs, "lastEventMs", null)).append(" |\n");
    }
  }

  private static String ms(JsonObject r, String k) {
    Double v = r.getDouble(k);
    return v == null ? "—" : Report.fmt(v, 1);
  }

  private static String diff(JsonObject r, String from, String to) {
    Double a = r.getDouble(from);
    Double b = r.getDouble(to);
    return a == null || b == null ? "—" : Report.fmt(b - a, 1);
  }

  private static String spread(List<JsonObject> rs, String k, String minus) {
    List<Double> v = new ArrayList<>();
    for (JsonObject r : rs) {
      Double a = r.getDouble(k);
      Double b = minus == null ? Double.valueOf(0) : r.getDouble(minus);
      if (a != null && b != null) {
        v.add(a - b);
      }
    }
    if (v.isEmpty()) {
      return "—";
    }
    v.sort(null);
    return Report.fmt(v.get((v.size() - 1) / 2), 1) + " <sub>[" + Report.fmt(v.get(0), 1) + "–" + Report.fmt(v.get(v.size() - 1), 1)
        + "]</sub>";
  }

  void load(JsonObject o) {
    subset = o.getJsonObject("subset");
    full = o.getJsonObject("full");
  }

  public JsonObject json() {
    return new JsonObject().put("part", title()).put("subset", subset).put("full", full);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "SuiteCost[%s]", title());
  }
}
