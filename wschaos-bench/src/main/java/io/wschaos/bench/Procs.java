package io.wschaos.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/** Processes the benchmark starts (and stops, by pid), and what /proc says about them. */
final class Procs {
  private Procs() {}

  /** Clock ticks per second for utime/stime in /proc; 100 on every Linux we run on, asked once anyway. */
  static final long CLK_TCK = clockTicks();

  private static final List<Managed> STARTED = new CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(Procs::stopAll, "bench-stop-children"));
  }

  /** A child process of the benchmark, its output going to a log file. */
  static final class Managed {
    final String name;
    final Process process;
    final Path log;

    Managed(String name, Process process, Path log) {
      this.name = name;
      this.process = process;
      this.log = log;
    }

    long pid() {
      return process.pid();
    }

    boolean alive() {
      return process.isAlive();
    }

    /** The process and its descendants now (nginx: master and workers). */
    List<Long> pids() {
      List<Long> out = new ArrayList<>();
      out.add(process.pid());
      process.descendants().forEach(d -> out.add(d.pid()));
      return out;
    }

    /** TERM to the pid, up to {@code grace} for it to go, then KILL; leftover descendants are killed by pid. */
    void stop(Duration grace) {
      List<ProcessHandle> kids = process.descendants().toList();
      if (process.isAlive()) {
        process.destroy();
        try {
          if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(2, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          process.destroyForcibly();
        }
      }
      for (ProcessHandle k : kids) {
        if (k.isAlive()) {
          k.destroyForcibly();
        }
      }
      STARTED.remove(this);
    }

    String tail(int lines) {
      try {
        List<String> all = Files.readAllLines(log);
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
      } catch (IOException e) {
        return "(no log: " + e.getMessage() + ")";
      }
    }
  }

  static Managed start(String name, List<String> command, Path log) throws IOException {
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = pb.start();
    Managed m = new Managed(name, p, log);
    STARTED.add(m);
    return m;
  }

  static void stopAll() {
    for (Managed m : List.copyOf(STARTED)) {
      m.stop(Duration.ofSeconds(3));
    }
  }

  /** Waits for a ready file to hold a port number; fails early if the process died. */
  static int awaitPortFile(Managed m, Path file, Duration timeout) throws IOException, InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < until) {
      if (Files.exists(file)) {
        String s = Files.readString(file).trim();
        if (!s.isEmpty()) {
          try {
            return Integer.parseInt(s);
          } catch (NumberFormatException partial) {
            // still being written
          }
        }
      }
      if (!m.alive()) {
        throw new IOException(m.name + " exited with " + m.process.exitValue() + " before it was ready:\n" + m.tail(20));
      }
      Thread.sleep(50);
    }
    throw new IOException(m.name + " not ready after " + timeout.toSeconds() + " s:\n" + m.tail(20));
  }

  /** Waits until something accepts TCP connections on 127.0.0.1:port. */
  static void awaitListening(Managed m, int port, Duration timeout) throws IOException, InterruptedException {
    long until = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < until) {
      try (java.net.Socket s = new java.net.Socket()) {
        s.connect(new java.net.InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        if (!m.alive()) {
          throw new IOException(m.name + " exited with " + m.process.exitValue() + ":\n" + m.tail(20));
        }
        Thread.sleep(50);
      }
    }
    throw new IOException(m.name + " does not listen on 127.0.0.1:" + port + " after " + timeout.toSeconds() + " s:\n" + m.tail(20));
  }

  /** A port that was free a moment ago on 127.0.0.1 (for nginx and haproxy, which cannot report theirs). */
  static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      s.setReuseAddress(true);
      return s.getLocalPort();
    }
  }

  // ---------------------------------------------------------------- /proc

  /** utime + stime of a process, all its threads, in clock ticks; -1 when it is gone. */
  static long cpuTicks(long pid) {
    String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
    if (stat == null) {
      return -1;
    }
    // comm (field 2) may hold spaces and parentheses: fields after the last ')' start at field 3.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** CPU time of several processes, in microseconds. */
  static long cpuMicros(List<Long> pids) {
    long ticks = 0;
    for (long p : pids) {
      long t = cpuTicks(p);
      if (t > 0) {
        ticks += t;
      }
    }
    return ticks * 1_000_000L / CLK_TCK;
  }

  /** VmRSS in KiB; -1 when unknown. */
  static long rssKib(long pid) {
    String status = read(Path.of("/proc", Long.toString(pid), "status"));
    if (status == null) {
      return -1;
    }
    for (String line : status.split("\n")) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  static long rssKib(List<Long> pids) {
    long sum = 0;
    for (long p : pids) {
      long r = rssKib(p);
      if (r > 0) {
        sum += r;
      }
    }
    return sum;
  }

  /** Open file descriptors of a process; -1 when unknown. */
  static long fdCount(long pid) {
    String[] names = Path.of("/proc", Long.toString(pid), "fd").toFile().list();
    return names == null ? -1 : names.length;
  }

  static long fdCount(List<Long> pids) {
    long sum = 0;
    for (long p : pids) {
      sum += Math.max(0, fdCount(p));
    }
    return sum;
  }

  /** The "Max open files" soft limit of a process, or -1. */
  static long openFilesLimit(long pid) {
    String limits = read(Path.of("/proc", Long.toString(pid), "limits"));
    if (limits == null) {
      return -1;
    }
    for (String line : limits.split("\n")) {
      if (line.startsWith("Max open files")) {
        String[] f = line.substring("Max open files".length()).trim().split("\\s+");
        return "unlimited".equals(f[0]) ? Long.MAX_VALUE : Long.parseLong(f[0]);
      }
    }
    return -1;
  }

  /** Whole-machine CPU counters from the first line of /proc/stat, in ticks. */
  record SystemCpu(long busy, long idle, long steal) {
    static SystemCpu now() {
      String stat = read(Path.of("/proc/stat"));
      if (stat == null) {
        return new SystemCpu(0, 0, 0);
      }
      String[] f = stat.substring(0, stat.indexOf('\n')).trim().split("\\s+");
      long user = Long.parseLong(f[1]), nice = Long.parseLong(f[2]), system = Long.parseLong(f[3]);
      long idle = Long.parseLong(f[4]), iowait = Long.parseLong(f[5]), irq = Long.parseLong(f[6]);
      long softirq = Long.parseLong(f[7]), steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
      return new SystemCpu(user + nice + system + irq + softirq, idle + iowait, steal);
    }
  }

  static String loadAverage() {
    String s = read(Path.of("/proc/loadavg"));
    return s == null ? "?" : String.join(" ", java.util.Arrays.copyOf(s.trim().split("\\s+"), 3));
  }

  /**
   * Reads a (usually /proc) file with one large buffer: /proc files report size 0, and sysctl files
   * answer only a read from offset 0, so Files.readString's byte-by-byte start would get one digit.
   */
  static String read(Path p) {
    try (java.io.InputStream in = Files.newInputStream(p)) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) > 0) {
        out.write(buf, 0, n);
      }
      return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null;
    }
  }

  /** Runs a short command and returns its combined output (for versions); empty when it cannot run. */
  static String output(List<String> command, Duration timeout) {
    try {
      Path out = Files.createTempFile("wschaos-bench-", ".out");
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
        }
        return Files.readString(out).trim();
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException | InterruptedException e) {
      return "";
    }
  }

  static Optional<Path> onPath(String exe) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin").split(":")) {
      Path p = Path.of(dir, exe);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    for (String dir : List.of("/usr/sbin", "/sbin")) {
      Path p = Path.of(dir, exe);
      if (Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String s = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor(2, TimeUnit.SECONDS);
      return Long.parseLong(s);
    } catch (Exception e) {
      return 100;
    }
  }
}
