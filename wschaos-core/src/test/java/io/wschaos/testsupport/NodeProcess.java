package io.wschaos.testsupport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A Node.js script run for a test: {@code node <script> args…} in the project root. Its stdout is
 * read line by line on a daemon thread; lines that are JSON objects can be awaited. stderr is kept
 * for failure messages. {@link #close()} stops the process and everything it started.
 *
 * <p>The process's stdin is a pipe that stays open until {@link #close()}; the wschaos fixtures
 * exit when it closes, so they also go away if the JVM dies.
 */
public final class NodeProcess implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration GRACE = Duration.ofSeconds(2);
  private static final int STDERR_LIMIT = 64 * 1024;
  /** Marks the end of stdout in {@link #incoming}; compared by identity. */
  private static final String EOF = new String("<end of stdout>");
  private static final Set<NodeProcess> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> List.copyOf(LIVE).forEach(NodeProcess::close), "node-reaper"));
  }

  private final String command;
  private final Process process;
  private final BlockingQueue<String> incoming = new LinkedBlockingQueue<>();
  /** Every stdout line taken from {@link #incoming}, in order, and its JSON (null if not an object). */
  private final List<String> lines = new ArrayList<>();
  private final List<JsonNode> parsed = new ArrayList<>();
  private final StringBuilder stderr = new StringBuilder();
  private boolean stdoutEnded;

  private NodeProcess(String command, Process process) {
    this.command = command;
    this.process = process;
    daemon("stdout", () -> {
      pump(process.getInputStream(), incoming::add);
      incoming.add(EOF);
    });
    daemon("stderr", () -> pump(process.getErrorStream(), this::appendStderr));
  }

  /**
   * Starts {@code node script args…} with the project root as working directory.
   *
   * @param script a path relative to the project root, e.g. {@code wschaos-core/src/test/node/ws-server.js}
   */
  public static NodeProcess start(String script, List<String> args) {
    Path root = projectRoot();
    if (!Files.isRegularFile(root.resolve(script))) {
      throw new IllegalArgumentException("no Node script " + root.resolve(script));
    }
    requireNpmDependencies(root);
    List<String> cmd = new ArrayList<>();
    cmd.add(nodeExecutable().toString());
    cmd.add(script);
    cmd.addAll(args);
    String shown = "node " + String.join(" ", cmd.subList(1, cmd.size()));
    try {
      Process p = new ProcessBuilder(cmd).directory(root.toFile()).start();
      NodeProcess np = new NodeProcess(shown, p);
      LIVE.add(np);
      return np;
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + shown, e);
    }
  }

  public static NodeProcess start(String script, String... args) {
    return start(script, List.of(args));
  }

  /** The first stdout JSON object, from the start of the output, that matches; waits for it. */
  public JsonNode awaitJson(Predicate<JsonNode> matcher, Duration timeout) {
    return awaitJson("a JSON line matching the predicate", matcher, timeout);
  }

  /** Like {@link #awaitJson(Predicate, Duration)}; {@code what} names the line in the failure. */
  public JsonNode awaitJson(String what, Predicate<JsonNode> matcher, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int scanned = 0;
    while (true) {
      List<JsonNode> seen = allJson();
      for (int i = scanned; i < seen.size(); i++) {
        if (matcher.test(seen.get(i))) {
          return seen.get(i);
        }
      }
      scanned = seen.size();
      long left = deadline - System.nanoTime();
      if (ended() || left <= 0) {
        String why = ended() ? "its stdout ended" : "timed out after " + timeout.toMillis() + " ms";
        throw new AssertionError(why + " waiting for " + what + " from " + describe());
      }
      try {
        String line = incoming.poll(left, TimeUnit.NANOSECONDS);
        if (line != null) {
          take(line);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what + " from " + command, e);
      }
    }
  }

  /** The first line whose {@code "event"} field is {@code event}; waits for it. */
  public JsonNode awaitEvent(String event, Duration timeout) {
    return awaitJson("an \"" + event + "\" event", j -> event.equals(j.path("event").asText()), timeout);
  }

  /** The lines, so far, whose {@code "event"} field is {@code event}. */
  public List<JsonNode> events(String event) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode j : allJson()) {
      if (event.equals(j.path("event").asText())) {
        out.add(j);
      }
    }
    return out;
  }

  /** Every stdout line so far. */
  public synchronized List<String> allLines() {
    drain();
    return List.copyOf(lines);
  }

  /** Every stdout line so far that is a JSON object, parsed. */
  public synchronized List<JsonNode> allJson() {
    drain();
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode j : parsed) {
      if (j != null) {
        out.add(j);
      }
    }
    return out;
  }

  public String stderr() {
    synchronized (stderr) {
      return stderr.toString();
    }
  }

  /** Waits for the process to exit by itself and returns its exit code. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("still running after " + timeout.toMillis() + " ms: " + describe());
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + command + " to exit", e);
    }
  }

  public long pid() {
    return process.pid();
  }

  /** The command, its state, its stdout and its stderr, for a failure message. */
  public String describe() {
    List<String> out = allLines();
    StringBuilder b = new StringBuilder(command);
    b.append(process.isAlive() ? " (running)" : " (exited " + process.exitValue() + ")");
    b.append("\n--- stdout (").append(out.size()).append(" lines) ---\n");
    for (String line : out.subList(Math.max(0, out.size() - 60), out.size())) {
      b.append(line.length() > 600 ? line.substring(0, 600) + "…" : line).append('\n');
    }
    b.append("--- stderr ---\n").append(stderr());
    return b.toString();
  }

  /**
   * Stops the process and all its descendants: closes stdin, sends TERM, and after 2 s KILL to
   * whatever is still alive. Safe to call more than once.
   */
  @Override
  public void close() {
    LIVE.remove(this);
    List<ProcessHandle> family = new ArrayList<>();
    process.descendants().forEach(family::add); // before the parent goes: orphans are reparented
    family.add(process.toHandle());
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // the process is gone already
    }
    family.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + GRACE.toNanos();
    for (ProcessHandle h : family) {
      try {
        h.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        h.destroyForcibly();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        h.destroyForcibly();
      }
    }
    for (ProcessHandle h : family) {
      if (h.isAlive()) {
        h.destroyForcibly();
      }
    }
  }

  @Override
  public String toString() {
    return command + " [pid " + process.pid() + "]";
  }

  // ---- locating node and the project ----

  /** The directory holding pom.xml and package.json, from the working directory upwards. */
  public static Path projectRoot() {
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path p = start; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isRegularFile(p.resolve("package.json"))) {
        return p;
      }
    }
    throw new IllegalStateException("no directory with pom.xml and package.json above " + start);
  }

  /** {@code node} from the PATH. */
  public static Path nodeExecutable() {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "node");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(
        "`node` is not on the PATH (" + path + "). These tests run Node.js fixtures: install Node.js 18 or"
            + " newer, then run `npm ci` in the project root.");
  }

  private static void requireNpmDependencies(Path root) {
    JsonNode deps;
    try {
      deps = JSON.readTree(root.resolve("package.json").toFile()).path("dependencies");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + root.resolve("package.json"), e);
    }
    for (Iterator<String> names = deps.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!Files.isRegularFile(root.resolve("node_modules").resolve(name).resolve("package.json"))) {
        throw new IllegalStateException(
            "npm package '" + name + "' is not installed: run `npm ci` in " + root);
      }
    }
  }

  // ---- plumbing ----

  private synchronized void drain() {
    for (String line; (line = incoming.poll()) != null; ) {
      take(line);
    }
  }

  private synchronized void take(String line) {
    if (line == EOF) {
      stdoutEnded = true;
      return;
    }
    lines.add(line);
    parsed.add(parse(line));
  }

  private synchronized boolean ended() {
    drain();
    return stdoutEnded;
  }

  private static JsonNode parse(String line) {
    String t = line.trim();
    if (!t.startsWith("{")) {
      return null;
    }
    try {
      return JSON.readTree(t);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private void appendStderr(String line) {
    synchronized (stderr) {
      if (stderr.length() < STDERR_LIMIT) {
        stderr.append(line).append('\n');
      }
    }
  }

  private static void pump(InputStream in, Consumer<String> sink) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        sink.accept(line);
      }
    } catch (IOException ignored) {
      // the stream closed with the process
    }
  }

  private void daemon(String stream, Runnable body) {
    Thread t = new Thread(body, "node-" + stream + "-" + process.pid());
    t.setDaemon(true);
    t.start();
  }
}
