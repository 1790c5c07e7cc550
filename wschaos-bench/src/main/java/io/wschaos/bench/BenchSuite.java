package io.wschaos.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark suite behind {@code make bench}: starts the echo server and the proxies under test as
 * child processes on 127.0.0.1, runs the loads in interleaved rounds, reads CPU and memory from
 * /proc, and writes docs/benchmarks.md. Installs nothing (bench/run.sh does); a proxy that is not
 * installed or fails its smoke test becomes a "skipped" row.
 *
 * <p>The suite is a list of {@link Part}s: 1 (pass-through cost), 2 (scale) and 3 (fault timing,
 * {@link FaultTiming}) and 4 (suite cost, {@link SuiteCost}) exist; a measurement whose subject does
 * not exist yet can be a {@link Pending} part.
 *
 * <pre>java -XX:+UseParallelGC -cp target/wschaos.jar io.wschaos.bench.BenchSuite [--quick] [options]</pre>
 */
public final class BenchSuite {
  /** JVM flags of the echo server and the idle-link client. */
  static final List<String> JVM_FLAGS = List.of("-XX:+UseParallelGC", "-Xms64m", "-Xmx1g");

  /**
   * JVM flags of the wschaos proxy. The 3 GiB ceiling dates from when the timeline kept every message
   * event in memory; it is now bounded (100 000 events / 64 MiB, then a spill file), and the flags
   * stay as they were so that runs compare.
   */
  static final List<String> PROXY_JVM_FLAGS = List.of("-XX:+UseParallelGC", "-Xms64m", "-Xmx3g");

  /** One fault of an armed target (see {@link Target#faultArgs()}). */
  static final String ARMED_FAULT = "{at: 1h, delay: {to: client, by: 1s}}";

  /** One section of the report. */
  interface Part {
    String title();

    void run(BenchSuite suite) throws Exception;

    void report(BenchSuite suite, StringBuilder md);

    JsonObject json();
  }

  /** A part whose subject does not exist yet; it reports what it will measure and what it waits for. */
  record Pending(String title, String waitsFor, String plan) implements Part {
    public void run(BenchSuite suite) {}

    public void report(BenchSuite suite, StringBuilder md) {
      md.append("## ").append(title).append("\n\n");
      md.append("**Not measured yet** — ").append(waitsFor).append("\n\n").append(plan).append("\n\n");
    }

    public JsonObject json() {
      return new JsonObject().put("part", title).put("pending", waitsFor);
    }
  }

  // ---------------------------------------------------------------- options

  static final class Options {
    boolean quick;
    int rounds = 4;
    double warmup = 0.5;
    double measure = 2.5;
    int scaleLinks = 9_000;
    double scaleHold = 30;
    double scaleRefHold = 5;
    List<String> targets =
        List.of("direct", "wschaos-counters", "wschaos-counters-armed10", "wschaos-meta", "wschaos-preview", "nginx", "haproxy");
    List<String> scaleTargets = List.of("wschaos-meta", "nginx", "haproxy");
    boolean passThrough = true;
    boolean scale = true;
    boolean faultTiming = true;
    boolean suiteCost = true;
    int faultMessages = 300;
    List<String> faultTransports = List.of("nio", "native");
    Path out;
    Path work = Path.of("target/bench");
    Path jar = Path.of("target/wschaos.jar");
    Path configs = Path.of("bench");
    boolean jfr;
    List<String> loads = List.of("i", "ii", "iii");
    List<String> proxyJavaOpts = List.of();
    Path render;
    /** With --render: a folder holding part 3's faults-TRANSPORT.jsonl timelines, analysed again. */
    Path reanalyse;
    long timeLimitSeconds = 840;
    String command = "make bench";

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--quick" -> {
            o.quick = true;
            o.rounds = 2;
            o.warmup = 0.3;
            o.measure = 0.7;
            o.scaleLinks = 500;
            o.scaleHold = 3;
            o.scaleRefHold = 3;
            o.scaleTargets = List.of("wschaos-meta");
            o.faultMessages = 60;
          }
          case "--rounds" -> o.rounds = Integer.parseInt(args[++i]);
          case "--warmup" -> o.warmup = Double.parseDouble(args[++i]);
          case "--measure" -> o.measure = Double.parseDouble(args[++i]);
          case "--scale-links" -> o.scaleLinks = Integer.parseInt(args[++i]);
          case "--scale-hold" -> o.scaleHold = Double.parseDouble(args[++i]);
          case "--scale-ref-hold" -> o.scaleRefHold = Double.parseDouble(args[++i]);
          case "--targets" -> o.targets = List.of(args[++i].split(","));
          case "--scale-targets" -> o.scaleTargets = List.of(args[++i].split(","));
          case "--skip-passthrough" -> o.passThrough = false;
          case "--skip-scale" -> o.scale = false;
          case "--skip-fault-timing" -> o.faultTiming = false;
          case "--skip-suite-cost" -> o.suiteCost = false;
          case "--fault-messages" -> o.faultMessages = Integer.parseInt(args[++i]);
          case "--fault-transports" -> o.faultTransports = List.of(args[++i].split(","));
          case "--out" -> o.out = Path.of(args[++i]);
          case "--work" -> o.work = Path.of(args[++i]);
          case "--jar" -> o.jar = Path.of(args[++i]);
          case "--configs" -> o.configs = Path.of(args[++i]);
          case "--jfr" -> o.jfr = true;
          case "--loads" -> o.loads = List.of(args[++i].split(","));
          case "--render" -> o.render = Path.of(args[++i]);
          case "--proxy-java-opts" -> o.proxyJavaOpts = List.of(args[++i].trim().split("\\s+"));
          case "--time-limit" -> o.timeLimitSeconds = Long.parseLong(args[++i]);
          case "--command" -> o.command = args[++i];
          case "--reanalyse" -> o.reanalyse = Path.of(args[++i]);
          default -> {
            System.err.println("BenchSuite: unknown option " + a + "\n"
                + "options: --quick --rounds N --warmup S --measure S --targets a,b --scale-links N --scale-hold S\n"
                + "         --scale-ref-hold S --scale-targets a,b --skip-passthrough --skip-scale --out FILE --work DIR --jar JAR\n"
                + "         --configs DIR --jfr --loads i,ii,iii --proxy-java-opts 'FLAGS' --time-limit S --command TEXT\n"
                + "         --skip-fault-timing --skip-suite-cost --fault-messages N --fault-transports nio,native\n"
                + "         --render RESULTS.json [--reanalyse DIR-WITH-faults-*.jsonl]\n"
                + "         --render FILE.json (rewrite the report from a finished run's docs/benchmarks.json, measuring nothing)\n"
                + "targets: direct wschaos-counters wschaos-meta wschaos-preview nginx haproxy, and wschaos-LEVEL-armedN\n"
                + "         (N faults armed by an `at: 1h` trigger, loads ii and iii only)");
            System.exit(2);
          }
        }
      }
      if (o.rounds < 2) {
        throw new IllegalArgumentException("--rounds must be at least 2 (the first round is discarded)");
      }
      if (o.warmup > 30 || o.measure > 60 || o.scaleHold > 300 || o.faultMessages > 2_000) {
        throw new IllegalArgumentException(
            "runs are bounded: --warmup <= 30, --measure <= 60, --scale-hold <= 300, --fault-messages <= 2000");
      }
      for (String t : o.faultTransports) {
        if (!t.equals("nio") && !t.equals("native")) {
          throw new IllegalArgumentException("--fault-transports: '" + t + "' is not nio or native");
        }
      }
      if (o.out == null) {
        o.out = o.quick ? o.work.resolve("benchmarks-quick.md") : Path.of("docs/benchmarks.md");
      }
      return o;
    }
  }

  // ---------------------------------------------------------------- targets

  enum Kind { DIRECT, WSCHAOS, NGINX, HAPROXY }

  /** Something the load goes through: the echo server itself, or a proxy in front of it. */
  static final class Target {
    /** {@code wschaos-LEVEL} or {@code wschaos-LEVEL-armedN}: a proxy with N faults armed that never fire. */
    private static final Pattern WSCHAOS_ID = Pattern.compile("wschaos-(counters|meta|preview)(?:-armed(\\d+))?");

    final String id;
    final Kind kind;
    final String level; // wschaos only
    final int armedFaults; // wschaos only: how many never-firing faults it starts with
    Procs.Managed proc;
    int port;
    String skipped;
    List<String> commandLine = List.of();

    Target(String id) {
      this.id = id;
      int armed = 0;
      if (id.equals("direct")) {
        kind = Kind.DIRECT;
        level = null;
      } else if (id.startsWith("wschaos-")) {
        kind = Kind.WSCHAOS;
        Matcher m = WSCHAOS_ID.matcher(id);
        if (!m.matches()) {
          throw new IllegalArgumentException("unknown wschaos target " + id + " (wschaos-LEVEL or wschaos-LEVEL-armedN)");
        }
        level = m.group(1);
        armed = m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        if (armed > 100) {
          throw new IllegalArgumentException("at most 100 armed faults in target " + id);
        }
      } else if (id.equals("nginx")) {
        kind = Kind.NGINX;
        level = null;
      } else if (id.equals("haproxy")) {
        kind = Kind.HAPROXY;
        level = null;
      } else {
        throw new IllegalArgumentException("unknown target " + id);
      }
      this.armedFaults = armed;
    }

    /**
     * The faults of an armed target: each a 1 s delay armed by a time trigger an hour away, so it
     * never fires during a run. An {@code at} trigger costs one timer on the engine's loop; an
     * {@code on: {message: …}} trigger would not be free (it puts a tap at the head of every link's
     * chain), so it is not what "armed" measures here.
     */
    List<String> faultArgs() {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < armedFaults; i++) {
        out.add("--fault");
        out.add(ARMED_FAULT);
      }
      return out;
    }

    /** The loads this target runs in part 1: an armed target is compared on throughput only. */
    boolean runs(String load) {
      return armedFaults == 0 || !load.equals("i");
    }

    String label() {
      return switch (kind) {
        case DIRECT -> "(a) direct to echo";
        case WSCHAOS -> "(b) wschaos, level " + level + (armedFaults > 0 ? ", " + armedFaults + " armed faults (not triggered)" : "");
        case NGINX -> "(c) nginx";
        case HAPROXY -> "(d) haproxy";
      };
    }

    URI url() {
      return URI.create("ws://127.0.0.1:" + port + "/bench");
    }

    /** The processes whose CPU and memory are "the proxy's"; empty for direct. */
    List<Long> pids() {
      return proc == null || kind == Kind.DIRECT ? List.of() : proc.pids();
    }

    boolean usable() {
      return skipped == null;
    }
  }

  // ---------------------------------------------------------------- the suite

  final Options opt;
  final long deadlineNanos;
  final Instant startedAt = Instant.now();
  final JsonObject machine = new JsonObject();
  final List<String> notes = new ArrayList<>();
  Procs.Managed echo;
  int echoPort;
  LoadGenerator gen;
  final List<Part> parts = new ArrayList<>();

  BenchSuite(Options opt) {
    this.opt = opt;
    this.deadlineNanos = System.nanoTime() + opt.timeLimitSeconds * 1_000_000_000L;
  }

  long secondsLeft() {
    return (deadlineNanos - System.nanoTime()) / 1_000_000_000L;
  }

  void checkTime(String what) {
    if (System.nanoTime() > deadlineNanos) {
      throw new IllegalStateException("time limit of " + opt.timeLimitSeconds + " s reached before " + what);
    }
  }

  static void log(String fmt, Object... args) {
    System.out.printf(Locale.ROOT, "[bench %tT] " + fmt + "%n", prepend(java.time.LocalTime.now(), args));
    System.out.flush();
  }

  private static Object[] prepend(Object first, Object[] rest) {
    Object[] all = new Object[rest.length + 1];
    all[0] = first;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  public static void main(String[] args) throws Exception {
    Options opt = Options.parse(args);
    BenchSuite suite = new BenchSuite(opt);
    if (opt.render != null) {
      suite.renderOnly(opt.render);
      return;
    }
    // A hard stop: whatever happens, the suite and its children are gone shortly after the limit.
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep((opt.timeLimitSeconds + 60) * 1000);
                System.err.println("[bench] hard time limit reached; stopping every child process");
                Procs.stopAll();
                Runtime.getRuntime().halt(3);
              } catch (InterruptedException done) {
                // normal end
              }
            },
            "bench-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    int code;
    try {
      code = suite.runAll();
    } finally {
      Procs.stopAll();
    }
    watchdog.interrupt();
    System.exit(code);
  }

  int runAll() throws Exception {
    Files.createDirectories(opt.work);
    if (!Files.exists(opt.jar)) {
      throw new IOException(opt.jar + " is missing; build it with `mvn -q -B clean package -DskipTests`");
    }
    describeMachine("before");
    log("machine: %d CPUs, load average %s, open-files limit %s", Runtime.getRuntime().availableProcessors(),
        Procs.loadAverage(), machine.getValue("openFilesLimit"));
    addParts();
    int failures = 0;
    try {
      startEcho();
      gen = new LoadGenerator(2);
      for (Part p : parts) {
        checkTime(p.title());
        log("== %s", p.title());
        try {
          p.run(this);
        } catch (Exception e) {
          failures++;
          notes.add(p.title() + " did not finish: " + e.getMessage());
          log("%s failed: %s", p.title(), e);
          e.printStackTrace(System.out);
        }
      }
    } finally {
      if (gen != null) {
        gen.close();
      }
      if (echo != null) {
        echo.stop(Duration.ofSeconds(3));
      }
    }
    describeMachine("after");
    writeResults();
    return failures == 0 ? 0 : 1;
  }

  /** The parts of the report, in order. A new measurement is a new {@link Part} here. */
  void addParts() {
    parts.add(new PassThrough());
    parts.add(new Scale());
    parts.add(new FaultTiming());
    parts.add(new SuiteCost());
  }

  void startEcho() throws Exception {
    Path ready = opt.work.resolve("echo.port");
    Files.deleteIfExists(ready);
    List<String> cmd = new ArrayList<>(List.of(javaExe()));
    cmd.addAll(JVM_FLAGS);
    cmd.addAll(List.of("-cp", opt.jar.toString(), EchoServer.class.getName(), "--port", "0", "--event-loops", "2",
        "--ready-file", ready.toString()));
    echo = Procs.start("echo server", cmd, opt.work.resolve("logs/echo.log"));
    echoPort = Procs.awaitPortFile(echo, ready, Duration.ofSeconds(30));
    machine.put("echoCommand", String.join(" ", cmd));
    log("echo server pid %d on 127.0.0.1:%d", echo.pid(), echoPort);
  }

  static String javaExe() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static String jcmdExe() {
    Path p = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    return Files.isExecutable(p) ? p.toString() : "jcmd";
  }

  /** Starts {@code t} in front of the echo server; on failure marks it skipped. {@code tag} names its files. */
  void start(Target t, String tag) {
    try {
      switch (t.kind) {
        case DIRECT -> t.port = echoPort;
        case WSCHAOS -> {
          Path ready = opt.work.resolve(tag + ".port");
          Files.deleteIfExists(ready);
          List<String> cmd = new ArrayList<>(List.of(javaExe()));
          cmd.addAll(PROXY_JVM_FLAGS);
          cmd.addAll(opt.proxyJavaOpts);
          if (opt.jfr) {
            cmd.add("-XX:StartFlightRecording=filename=" + opt.work.resolve(tag + ".jfr") + ",settings=profile,dumponexit=true");
          }
          cmd.addAll(List.of("-jar", opt.jar.toString(), "proxy", "--listen", "127.0.0.1:0",
              "--upstream", "ws://127.0.0.1:" + echoPort, "--level", t.level, "--api", "off", "--ready-file", ready.toString()));
          cmd.addAll(t.faultArgs());
          t.commandLine = cmd;
          t.proc = Procs.start(tag, cmd, opt.work.resolve("logs/" + tag + ".log"));
          t.port = Procs.awaitPortFile(t.proc, ready, Duration.ofSeconds(30));
        }
        case NGINX -> {
          Path exe = Procs.onPath("nginx").orElse(null);
          if (exe == null) {
            t.skipped = "skipped: nginx is not installed (bench/run.sh installs it with apt-get)";
            return;
          }
          Path dir = opt.work.resolve(tag).toAbsolutePath();
          for (String sub : List.of("tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi")) {
            Files.createDirectories(dir.resolve(sub));
          }
          t.port = Procs.freePort();
          long nofile = Procs.openFilesLimit(ProcessHandle.current().pid());
          long files = Math.min(nofile == Long.MAX_VALUE ? 1_000_000 : nofile, 1_000_000);
          String conf = Files.readString(opt.configs.resolve("nginx.conf"))
              .replace("@NOFILE@", Long.toString(files))
              .replace("@CONNECTIONS@", Long.toString(files - 100))
              .replace("@DIR@", dir.toString())
              .replace("@PORT@", Integer.toString(t.port))
              .replace("@UPSTREAM_PORT@", Integer.toString(echoPort));
          Path confFile = dir.resolve("nginx.conf");
          Files.writeString(confFile, conf);
          List<String> cmd = List.of(exe.toString(), "-p", dir + "/", "-e", dir.resolve("error.log").toString(),
              "-c", confFile.toString(), "-g", "daemon off; pid " + dir.resolve("nginx.pid") + ";");
          t.commandLine = cmd;
          t.proc = Procs.start(tag, cmd, opt.work.resolve("logs/" + tag + ".log"));
          Procs.awaitListening(t.proc, t.port, Duration.ofSeconds(15));
        }
        case HAPROXY -> {
          Path exe = Procs.onPath("haproxy").orElse(null);
          if (exe == null) {
            t.skipped = "skipped: haproxy is not installed (bench/run.sh installs it with apt-get)";
            return;
          }
          Path dir = opt.work.resolve(tag).toAbsolutePath();
          Files.createDirectories(dir);
          t.port = Procs.freePort();
          long nofile = Procs.openFilesLimit(ProcessHandle.current().pid());
          long maxconn = nofile == Long.MAX_VALUE ? 500_000 : Math.max(100, (nofile - 1_000) / 2);
          String conf = Files.readString(opt.configs.resolve("haproxy.cfg"))
              .replace("@MAXCONN@", Long.toString(maxconn))
              .replace("@PORT@", Integer.toString(t.port))
              .replace("@UPSTREAM_PORT@", Integer.toString(echoPort));
          Path confFile = dir.resolve("haproxy.cfg");
          Files.writeString(confFile, conf);
          List<String> cmd = List.of(exe.toString(), "-f", confFile.toString(), "-db");
          t.commandLine = cmd;
          t.proc = Procs.start(tag, cmd, opt.work.resolve("logs/" + tag + ".log"));
          Procs.awaitListening(t.proc, t.port, Duration.ofSeconds(15));
        }
      }
      // Smoke test: one link, a few echoes, through the whole path.
      JsonObject smoke = gen.run(t.url(), new LoadGenerator.Load("smoke", 1, 1, 64, true),
          new LoadGenerator.Timing(0.1, 0.3, 10_000), NO_PROBE);
      if (!smoke.getBoolean("ok", false)) {
        t.skipped = "failed: smoke test through it failed (" + smoke.getString("error") + ")";
        stop(t);
      } else {
        log("%s ready on 127.0.0.1:%d (pids %s)", tag, t.port, t.pids());
      }
    } catch (Exception e) {
      t.skipped = "failed: could not start it (" + firstLine(e.getMessage()) + ")";
      log("%s: %s", tag, e.getMessage());
      stop(t);
    }
  }

  static void stop(Target t) {
    if (t.proc != null) {
      t.proc.stop(Duration.ofSeconds(5));
    }
  }

  static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  static final LoadGenerator.Probe NO_PROBE =
      new LoadGenerator.Probe() {
        public void measureStart() {}

        public void measureEnd() {}
      };

  /** Every process the bench runs, for the "how busy was the rest of the machine" figure. */
  List<Long> ourPids(List<Target> targets) {
    List<Long> pids = new ArrayList<>();
    pids.add(ProcessHandle.current().pid());
    if (echo != null) {
      pids.add(echo.pid());
    }
    for (Target t : targets) {
      pids.addAll(t.pids());
    }
    return pids;
  }

  /** Samples /proc at the start and end of a measured interval. */
  final class CpuProbe implements LoadGenerator.Probe {
    final List<Long> proxyPids;
    final List<Long> allPids;
    long proxy0, proxy1, echo0, echo1, ours0, ours1, wall0, wall1;
    Procs.SystemCpu sys0, sys1;

    CpuProbe(Target t, List<Target> all) {
      this.proxyPids = t.pids();
      this.allPids = ourPids(all);
    }

    public void measureStart() {
      wall0 = System.nanoTime();
      sys0 = Procs.SystemCpu.now();
      proxy0 = Procs.cpuMicros(proxyPids);
      echo0 = Procs.cpuMicros(List.of(echo.pid()));
      ours0 = Procs.cpuMicros(allPids);
    }

    public void measureEnd() {
      proxy1 = Procs.cpuMicros(proxyPids);
      echo1 = Procs.cpuMicros(List.of(echo.pid()));
      ours1 = Procs.cpuMicros(allPids);
      sys1 = Procs.SystemCpu.now();
      wall1 = System.nanoTime();
    }

    void into(JsonObject r) {
      double secs = (wall1 - wall0) / 1e9;
      long msgs = r.getLong("messages", 0L);
      double busyMicros = (sys1.busy() - sys0.busy()) * 1e6 / Procs.CLK_TCK;
      long totalTicks = (sys1.busy() + sys1.idle() + sys1.steal()) - (sys0.busy() + sys0.idle() + sys0.steal());
      r.put("proxyCpuMicros", proxyPids.isEmpty() ? null : proxy1 - proxy0)
          .put("proxyCpuMicrosPerMsg", proxyPids.isEmpty() || msgs == 0 ? null : (double) (proxy1 - proxy0) / msgs)
          .put("echoCpuMicrosPerMsg", msgs == 0 ? null : (double) (echo1 - echo0) / msgs)
          .put("machineBusyCores", busyMicros / 1e6 / secs)
          .put("foreignBusyCores", Math.max(0, (busyMicros - (ours1 - ours0)) / 1e6 / secs))
          .put("stealPercent", totalTicks <= 0 ? 0 : 100.0 * (sys1.steal() - sys0.steal()) / totalTicks)
          .put("loadAverage", Procs.loadAverage());
    }
  }

  // ---------------------------------------------------------------- part 1

  static final List<LoadGenerator.Load> LOADS =
      List.of(
          new LoadGenerator.Load("i", 1, 1, 64, true),
          new LoadGenerator.Load("ii", 50, 10, 1024, true),
          new LoadGenerator.Load("iii", 10, 4, 64 * 1024, true));

  final class PassThrough implements Part {
    final List<Target> targets = new ArrayList<>();
    final JsonArray runs = new JsonArray();
    final JsonObject heapAfter = new JsonObject();

    public String title() {
      return "1. Pass-through cost";
    }

    public void run(BenchSuite s) throws Exception {
      for (String id : opt.targets) {
        Target t = new Target(id);
        targets.add(t);
      }
      if (!opt.passThrough) {
        return;
      }
      for (Target t : targets) {
        start(t, t.id);
        if (!t.usable()) {
          log("%s %s", t.id, t.skipped);
        }
      }
      LoadGenerator.Timing timing = new LoadGenerator.Timing(opt.warmup, opt.measure, 50_000_000L);
      for (int round = 0; round < opt.rounds; round++) {
        for (LoadGenerator.Load load : LOADS) {
          if (!opt.loads.contains(load.name())) {
            continue;
          }
          for (Target t : roundOrder(round)) {
            if (!t.usable() || !t.runs(load.name())) {
              continue;
            }
            checkTime("round " + round + " load " + load.name() + " on " + t.id);
            CpuProbe probe = new CpuProbe(t, targets);
            JsonObject r = gen.run(t.url(), load, timing, probe);
            r.put("round", round).put("warmupRound", round == 0).put("targetId", t.id);
            if (probe.sys1 != null) {
              probe.into(r);
            }
            runs.add(r);
            log("round %d load %-3s %-16s %s", round, load.name(), t.id, summary(r));
          }
        }
      }
      for (Target t : targets) {
        if (t.kind == Kind.WSCHAOS && t.usable() && t.proc.alive()) {
          heapAfter.put(t.id, liveHeap(t.proc.pid(), opt.work.resolve("logs/" + t.id + "-histogram.txt")));
        }
      }
      for (Target t : targets) {
        stop(t);
      }
    }

    /**
     * The targets in the order of one round: as listed, except that an armed target and its plain
     * twin swap places in odd rounds, so that neither always runs right after the other (which run
     * follows which showed in their ratio on this machine).
     */
    List<Target> roundOrder(int round) {
      List<Target> order = new ArrayList<>(targets);
      if (round % 2 == 1) {
        for (Target a : targets) {
          if (a.armedFaults > 0) {
            for (int j = 0; j < order.size(); j++) {
              if (order.get(j).id.equals("wschaos-" + a.level)) {
                java.util.Collections.swap(order, j, order.indexOf(a));
              }
            }
          }
        }
      }
      return order;
    }

    public void report(BenchSuite s, StringBuilder md) {
      new Report(s).passThrough(md, this);
    }

    void load(JsonObject o) {
      runs.addAll(o.getJsonArray("runs", new JsonArray()));
      heapAfter.mergeIn(o.getJsonObject("wschaosLiveHeapAfterRuns", new JsonObject()));
      JsonArray ts = o.getJsonArray("targets", new JsonArray());
      for (int i = 0; i < ts.size(); i++) {
        JsonObject t = ts.getJsonObject(i);
        Target target = new Target(t.getString("id"));
        target.skipped = t.getString("skipped");
        targets.add(target);
      }
    }

    public JsonObject json() {
      JsonObject o = new JsonObject().put("part", title()).put("runs", runs).put("wschaosLiveHeapAfterRuns", heapAfter);
      JsonArray ts = new JsonArray();
      for (Target t : targets) {
        ts.add(new JsonObject().put("id", t.id).put("skipped", t.skipped).put("command", relative(String.join(" ", t.commandLine))));
      }
      return o.put("targets", ts);
    }
  }

  static String summary(JsonObject r) {
    if (!r.getBoolean("ok", false)) {
      return "FAILED: " + r.getString("error");
    }
    Double cpu = r.getDouble("proxyCpuMicrosPerMsg");
    return String.format(Locale.ROOT, "%9.0f msg/s %8.1f MB/s  p50 %7.1f µs p99 %7.1f µs  proxy %s µs/msg  other load %.2f cores",
        r.getDouble("messagesPerSec"), r.getDouble("megabytesPerSec"), r.getDouble("rttP50Micros"),
        r.getDouble("rttP99Micros"), cpu == null ? "-" : String.format(Locale.ROOT, "%.1f", cpu),
        r.getDouble("foreignBusyCores", 0.0));
  }

  /** Live heap after a full GC, from the class histogram; keeps the histogram in {@code save}. */
  static JsonObject liveHeap(long pid, Path save) {
    String hist = Procs.output(List.of(jcmdExe(), Long.toString(pid), "GC.class_histogram"), Duration.ofSeconds(60));
    try {
      Files.writeString(save, hist);
    } catch (IOException ignored) {
      // the figure below is what matters
    }
    JsonObject o = new JsonObject();
    Matcher total = Pattern.compile("(?m)^Total\\s+(\\d+)\\s+(\\d+)").matcher(hist);
    if (total.find()) {
      o.put("liveObjects", Long.parseLong(total.group(1))).put("liveBytes", Long.parseLong(total.group(2)));
    }
    Matcher ev = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+io\\.wschaos\\.timeline\\.Event\\s*$").matcher(hist);
    if (ev.find()) {
      o.put("timelineEvents", Long.parseLong(ev.group(1))).put("timelineEventBytes", Long.parseLong(ev.group(2)));
    }
    return o;
  }

  /** Heap used after a System.gc(), in KiB, from GC.heap_info; -1 when unknown. */
  static long heapUsedKib(long pid) {
    String info = Procs.output(List.of(jcmdExe(), Long.toString(pid), "GC.heap_info"), Duration.ofSeconds(30));
    Matcher m = Pattern.compile("used (\\d+)K").matcher(info);
    long sum = 0;
    boolean any = false;
    while (m.find()) {
      sum += Long.parseLong(m.group(1));
      any = true;
    }
    return any ? sum : -1;
  }

  static void systemGc(long pid) {
    Procs.output(List.of(jcmdExe(), Long.toString(pid), "GC.run"), Duration.ofSeconds(60));
  }

  // ---------------------------------------------------------------- part 2

  final class Scale implements Part {
    final JsonArray results = new JsonArray();

    public String title() {
      return "2. Scale";
    }

    public void run(BenchSuite s) throws Exception {
      if (!opt.scale) {
        return;
      }
      for (String id : opt.scaleTargets) {
        checkTime("scale test of " + id);
        Target t = new Target(id);
        // The 30 s survival check is wschaos's; nginx and haproxy are there for their RSS per link.
        double hold = id.startsWith("wschaos") ? opt.scaleHold : Math.min(opt.scaleHold, opt.scaleRefHold);
        JsonObject r = new JsonObject().put("targetId", id).put("links", opt.scaleLinks).put("holdSeconds", hold);
        results.add(r);
        if (secondsLeft() < hold + 60) {
          r.put("skipped", "skipped: not enough time left under the " + opt.timeLimitSeconds + " s limit");
          continue;
        }
        start(t, "scale-" + id);
        if (!t.usable()) {
          r.put("skipped", t.skipped);
          continue;
        }
        try {
          measure(t, r, hold);
        } finally {
          stop(t);
        }
        log("scale %s: %s", id, r.encode());
      }
    }

    private void measure(Target t, JsonObject r, double hold) throws Exception {
      boolean jvm = t.kind == Kind.WSCHAOS;
      long pid = t.proc.pid();
      // Warm the proxy with a few links first, so one-time costs (class loading, JIT, buffer pools)
      // land in the baseline rather than in the per-link figure.
      gen.run(t.url(), new LoadGenerator.Load("warm", 100, 1, 64, true), new LoadGenerator.Timing(0.3, 0.5, 100_000), NO_PROBE);
      Thread.sleep(500);
      if (jvm) {
        systemGc(pid);
      }
      Thread.sleep(5_000);
      long rss0 = Procs.rssKib(t.pids());
      long heap0 = jvm ? heapUsedKib(pid) : -1;
      long fds0 = Procs.fdCount(t.pids());
      r.put("rssBeforeKib", rss0).put("fdsBefore", fds0).put("openFilesLimit", Procs.openFilesLimit(pid));
      if (jvm) {
        r.put("heapUsedBeforeKib", heap0);
      }

      Path log = opt.work.resolve("logs/idle-" + t.id + ".log");
      List<String> cmd = new ArrayList<>(List.of(javaExe()));
      cmd.addAll(JVM_FLAGS);
      cmd.addAll(List.of("-cp", opt.jar.toString(), LoadGenerator.class.getName(), "idle", "--url", t.url().toString(),
          "--links", Integer.toString(opt.scaleLinks), "--concurrency", "200",
          "--hold", Double.toString(hold)));
      r.put("clientCommand", String.join(" ", cmd));
      Procs.Managed client = Procs.start("idle-link client", cmd, log);
      try {
        JsonObject opened = awaitLine(client, log, "OPENED ", Duration.ofSeconds(Math.max(120, opt.scaleLinks / 50)));
        r.put("opened", opened.getInteger("opened")).put("failed", opened.getLong("failed"))
            .put("openMillis", opened.getLong("openMillis")).put("firstError", opened.getString("firstError"));
        r.put("fdsWithLinks", Procs.fdCount(t.pids())).put("clientFds", Procs.fdCount(client.pid()))
            .put("echoFds", Procs.fdCount(echo.pid()));
        if (jvm) {
          systemGc(pid);
        }
        Thread.sleep(5_000);
        long rss1 = Procs.rssKib(t.pids());
        r.put("rssWithLinksKib", rss1);
        int n = Math.max(1, opened.getInteger("opened"));
        r.put("rssPerLinkKib", (double) (rss1 - rss0) / n);
        if (jvm) {
          long heap1 = heapUsedKib(pid);
          r.put("heapUsedWithLinksKib", heap1).put("heapPerLinkKib", (double) (heap1 - heap0) / n);
        }
        JsonObject done = awaitLine(client, log, "RESULT ", Duration.ofSeconds((long) hold + 90));
        r.put("stillOpen", done.getInteger("stillOpen")).put("closedDuringHold", done.getLong("closedDuringHold"))
            .put("echoedAfterHold", done.getLong("echoedAfterHold"));
      } finally {
        client.stop(Duration.ofSeconds(20));
      }
    }

    public void report(BenchSuite s, StringBuilder md) {
      new Report(s).scale(md, this);
    }

    public JsonObject json() {
      return new JsonObject().put("part", title()).put("results", results);
    }
  }

  /** Polls a child's log for a line starting with {@code prefix}; returns the JSON after it. */
  static JsonObject awaitLine(Procs.Managed m, Path log, String prefix, Duration timeout) throws Exception {
    long until = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < until) {
      if (Files.exists(log)) {
        for (String line : Files.readAllLines(log)) {
          if (line.startsWith(prefix)) {
            return new JsonObject(line.substring(prefix.length()));
          }
        }
      }
      if (!m.alive()) {
        // one more look: the line may have been written just before the exit
        for (String line : Files.readAllLines(log)) {
          if (line.startsWith(prefix)) {
            return new JsonObject(line.substring(prefix.length()));
          }
        }
        throw new IOException(m.name + " exited without '" + prefix.trim() + "':\n" + m.tail(20));
      }
      Thread.sleep(100);
    }
    throw new IOException(m.name + " printed no '" + prefix.trim() + "' within " + timeout.toSeconds() + " s:\n" + m.tail(20));
  }

  // ---------------------------------------------------------------- machine and output

  void describeMachine(String when) {
    machine.put("loadAverage_" + when, Procs.loadAverage());
    machine.put("time_" + when, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    if (!when.equals("before")) {
      return;
    }
    machine.put("nproc", Runtime.getRuntime().availableProcessors());
    String cpuinfo = Procs.read(Path.of("/proc/cpuinfo"));
    if (cpuinfo != null) {
      Matcher m = Pattern.compile("(?m)^model name\\s*:\\s*(.+)$").matcher(cpuinfo);
      if (m.find()) {
        machine.put("cpu", m.group(1).trim());
      }
    }
    String meminfo = Procs.read(Path.of("/proc/meminfo"));
    if (meminfo != null) {
      Matcher m = Pattern.compile("(?m)^MemTotal:\\s*(\\d+) kB").matcher(meminfo);
      if (m.find()) {
        machine.put("memTotalMiB", Long.parseLong(m.group(1)) / 1024);
      }
    }
    machine.put("kernel", String.valueOf(Procs.read(Path.of("/proc/sys/kernel/osrelease"))).trim());
    machine.put("javaVersion", Procs.output(List.of(javaExe(), "-version"), Duration.ofSeconds(20)));
    machine.put("nginxVersion", Procs.onPath("nginx").map(p -> Procs.output(List.of(p.toString(), "-v"), Duration.ofSeconds(5))).orElse("not installed"));
    machine.put("haproxyVersion", Procs.onPath("haproxy").map(p -> firstLine(Procs.output(List.of(p.toString(), "-v"), Duration.ofSeconds(5)))).orElse("not installed"));
    machine.put("openFilesLimit", Procs.openFilesLimit(ProcessHandle.current().pid()));
    machine.put("portRange", String.valueOf(Procs.read(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))).trim().replaceAll("\\s+", "–"));
    machine.put("suiteJvm", String.join(" ", java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()));
  }

  void writeResults() throws IOException {
    JsonObject all = new JsonObject().put("startedAt", startedAt.toString()).put("machine", machine)
        .put("options", new JsonObject().put("quick", opt.quick).put("rounds", opt.rounds).put("warmupSeconds", opt.warmup)
            .put("measureSeconds", opt.measure).put("scaleLinks", opt.scaleLinks).put("scaleHoldSeconds", opt.scaleHold)
            .put("scaleRefHoldSeconds", opt.scaleRefHold).put("passThrough", opt.passThrough).put("scale", opt.scale)
            .put("targets", new JsonArray(opt.targets))
            .put("faultTiming", opt.faultTiming).put("suiteCost", opt.suiteCost).put("faultMessages", opt.faultMessages)
            .put("faultTransports", new JsonArray(opt.faultTransports))
            .put("proxyJavaOpts", new JsonArray(opt.proxyJavaOpts)).put("timeLimitSeconds", opt.timeLimitSeconds)
            .put("command", opt.command))
        .put("jvmFlags", String.join(" ", JVM_FLAGS)).put("notes", new JsonArray(notes));
    JsonArray ps = new JsonArray();
    for (Part p : parts) {
      ps.add(p.json());
    }
    all.put("parts", ps);
    Path json = resultsFile();
    if (json.getParent() != null) {
      Files.createDirectories(json.getParent());
    }
    Files.writeString(json, all.encodePrettily());
    writeReport();
    log("wrote %s and %s", opt.out, json);
  }

  /** The raw results go next to the report (docs/benchmarks.json), outside target/ so that a build keeps them. */
  Path resultsFile() {
    String name = opt.out.getFileName().toString();
    String base = name.endsWith(".md") ? name.substring(0, name.length() - 3) : name;
    return opt.out.resolveSibling(base + ".json");
  }

  void writeReport() throws IOException {
    StringBuilder md = new StringBuilder();
    new Report(this).header(md);
    for (Part p : parts) {
      p.report(this, md);
    }
    new Report(this).footer(md);
    if (opt.out.getParent() != null) {
      Files.createDirectories(opt.out.getParent());
    }
    Files.writeString(opt.out, md.toString());
  }

  /** Rewrites the report from a results.json of a finished run (after editing bench/benchmarks-notes.md, say). */
  void renderOnly(Path results) throws IOException {
    JsonObject all = new JsonObject(Files.readString(results));
    JsonObject o = all.getJsonObject("options");
    opt.quick = o.getBoolean("quick", false);
    opt.rounds = o.getInteger("rounds");
    opt.warmup = o.getDouble("warmupSeconds");
    opt.measure = o.getDouble("measureSeconds");
    opt.scaleLinks = o.getInteger("scaleLinks");
    opt.scaleHold = o.getDouble("scaleHoldSeconds");
    opt.scaleRefHold = o.getDouble("scaleRefHoldSeconds", opt.scaleRefHold);
    opt.passThrough = o.getBoolean("passThrough", true);
    opt.scale = o.getBoolean("scale", true);
    if (o.getJsonArray("targets") != null) {
      List<String> ts = new ArrayList<>();
      o.getJsonArray("targets").forEach(x -> ts.add((String) x));
      opt.targets = ts;
    }
    opt.faultTiming = o.getBoolean("faultTiming", true);
    opt.suiteCost = o.getBoolean("suiteCost", true);
    opt.faultMessages = o.getInteger("faultMessages", opt.faultMessages);
    opt.timeLimitSeconds = o.getLong("timeLimitSeconds", opt.timeLimitSeconds);
    opt.command = o.getString("command", opt.command);
    List<String> jo = new ArrayList<>();
    o.getJsonArray("proxyJavaOpts", new JsonArray()).forEach(x -> jo.add((String) x));
    opt.proxyJavaOpts = jo;
    machine.mergeIn(all.getJsonObject("machine"));
    all.getJsonArray("notes", new JsonArray()).forEach(n -> notes.add((String) n));
    addParts();
    JsonArray ps = all.getJsonArray("parts");
    for (int i = 0; i < ps.size(); i++) {
      JsonObject p = ps.getJsonObject(i);
      for (Part part : parts) {
        if (part.title().equals(p.getString("part"))) {
          if (part instanceof PassThrough pt) {
            pt.load(p);
          } else if (part instanceof Scale sc) {
            sc.results.addAll(p.getJsonArray("results", new JsonArray()));
          } else if (part instanceof FaultTiming ft) {
            ft.load(p);
            if (opt.reanalyse != null) {
              ft.reanalyse(opt.reanalyse);
            }
          } else if (part instanceof SuiteCost sc) {
            sc.load(p);
          }
        }
      }
    }
    if (opt.reanalyse != null) {
      // the results file keeps the corrected figures too, and says so
      String n = "part 3 was analysed again from its kept timelines (" + opt.reanalyse.getFileName()
          + ") by `BenchSuite --render --reanalyse`, after the run";
      if (!notes.contains(n)) {
        notes.add(n);
        all.getJsonArray("notes", new JsonArray()).add(n);
        if (all.getJsonArray("notes") == null) {
          all.put("notes", new JsonArray(notes));
        }
      }
      Files.writeString(results, all.encodePrettily());
    }
    writeReport();
    log("rewrote %s from %s", opt.out, results);
  }

  /** A command line as committed in docs: paths inside the checkout relative to it (no machine paths). */
  private static String relative(String command) {
    String root = java.nio.file.Path.of("").toAbsolutePath().normalize() + "/";
    return command.replace(root, "");
  }
}
