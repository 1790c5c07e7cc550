package io.wschaos.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.wschaos.bench.EchoServer;
import io.wschaos.testsupport.RawWebSocket;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wschaos proxy} as a user runs it: a child JVM ({@code java -cp <this JVM's class path>
 * io.wschaos.cli.Main proxy …}, so it works in {@code mvn verify} before the jar exists), in front of
 * an echo server in this JVM. Every child is stopped by its own pid in {@link #stopChildren()}.
 */
class ProxyCommandTest {
  private static final Duration EXIT_WAIT = Duration.ofSeconds(15);

  private static Vertx vertx;
  private static EchoServer echo;

  @TempDir Path dir;

  private final List<Process> children = new ArrayList<>();

  @BeforeAll
  static void startEcho() {
    vertx = Vertx.vertx();
    echo = EchoServer.start(vertx, "127.0.0.1", 0).await();
  }

  @AfterAll
  static void stopEcho() {
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @AfterEach
  void stopChildren() throws InterruptedException {
    for (Process p : children) {
      if (p.isAlive()) {
        p.destroyForcibly();
        p.waitFor(5, TimeUnit.SECONDS);
      }
    }
  }

  /** A running (or finished) child: its process and where its output went. */
  private record Child(Process process, Path out, Path err) {
    String stdout() throws IOException {
      return Files.readString(out, StandardCharsets.UTF_8);
    }

    String stderr() throws IOException {
      return Files.readString(err, StandardCharsets.UTF_8);
    }

    int awaitExit(Duration within) throws Exception {
      if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
        fail("wschaos proxy still running after " + within.toSeconds() + " s; stderr:\n" + stderr());
      }
      return process.exitValue();
    }
  }

  private Child start(String name, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-cp", System.getProperty("java.class.path"), Main.class.getName(), "proxy"));
    cmd.addAll(List.of(args));
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    children.add(p);
    return new Child(p, out, err);
  }

  /** A proxy in front of the echo server, with {@code extra} flags; returns once it listens. */
  private Child startProxy(String name, String... extra) throws Exception {
    Path ready = dir.resolve(name + ".port");
    List<String> args = new ArrayList<>(List.of("--listen", "127.0.0.1:0", "--upstream", "ws://127.0.0.1:" + echo.port(),
        "--api", "off", "--ready-file", ready.toString()));
    args.addAll(List.of(extra));
    Child c = start(name, args.toArray(String[]::new));
    long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < until) {
      if (Files.exists(ready) && !Files.readString(ready).isBlank() && c.stdout().contains("wschaos proxy:")) {
        return c;
      }
      if (!c.process().isAlive()) {
        fail(name + " exited with " + c.process().exitValue() + " before listening; stderr:\n" + c.stderr());
      }
      Thread.sleep(20);
    }
    fail(name + " did not listen within 15 s; stderr:\n" + c.stderr());
    return c;
  }

  private static int port(Path dir, String name) throws IOException {
    return Integer.parseInt(Files.readString(dir.resolve(name + ".port")).trim());
  }

  private static void oneLineNoStackTrace(String what, String stderr) {
    List<String> lines = stderr.lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), () -> what + ": one line on stderr, got:\n" + stderr);
    assertTrue(lines.get(0).startsWith("wschaos: "), () -> what + ": " + lines.get(0));
    assertFalse(stderr.contains("Exception") || stderr.contains("\tat "), () -> what + ": no stack trace in\n" + stderr);
  }

  /** Sends {@code text}, returns the round trip in ms after checking the echo. */
  private static double roundTrip(RawWebSocket ws, String text) throws IOException {
    long t0 = System.nanoTime();
    ws.sendText(text);
    RawWebSocket.RawFrame f = ws.readFrame(Duration.ofSeconds(5));
    double ms = (System.nanoTime() - t0) / 1e6;
    assertEquals(RawWebSocket.TEXT, f.opcode(), () -> "an echoed text frame, got " + f);
    assertEquals(text, f.text());
    return ms;
  }

  @Test
  void badFlagsExitTwoWithOneLineAndNoStackTraceAndCreateNothing() throws Exception {
    String up = "ws://127.0.0.1:" + echo.port();
    Path timeline = dir.resolve("never.jsonl");
    String tl = timeline.toString();
    // name, expected text, arguments; started together (each is a JVM start), then awaited.
    List<Object[]> cases = List.of(
        new Object[] {"listen", "'abc' is not HOST:PORT", new String[] {"--listen", "abc", "--upstream", up, "--api", "off"}},
        new Object[] {"fault", "did you mean 'delay'",
            new String[] {"--upstream", up, "--api", "off", "--timeline", tl, "--fault", "{dely: {}}"}},
        new Object[] {"transport", "--transport: 'x' is not native or nio",
            new String[] {"--upstream", up, "--api", "off", "--timeline", tl, "--transport", "x"}},
        new Object[] {"upstream", "--upstream: upstream must be a ws:// or wss:// URL, got foo://x",
            new String[] {"--upstream", "foo://x", "--api", "off"}});
    List<Child> running = new ArrayList<>();
    for (Object[] c : cases) {
      running.add(start("bad-" + c[0], (String[]) c[2]));
    }
    for (int i = 0; i < cases.size(); i++) {
      String name = (String) cases.get(i)[0];
      Child c = running.get(i);
      assertEquals(2, c.awaitExit(EXIT_WAIT), () -> name + ": exit code; stderr:\n" + read(c));
      String err = c.stderr();
      String expected = (String) cases.get(i)[1];
      oneLineNoStackTrace(name, err);
      assertTrue(err.contains(expected), () -> name + ": expected '" + expected + "' in\n" + err);
      assertEquals("", c.stdout(), () -> name + ": nothing on stdout");
    }
    assertFalse(Files.exists(timeline), "bad input must not create the --timeline file");
  }

  private static String read(Child c) {
    try {
      return c.stderr();
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  @Test
  void aPortInUseExitsThreeWithAddressAlreadyInUse() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Child c = start("in-use", "--listen", "127.0.0.1:" + taken.getLocalPort(), "--upstream",
          "ws://127.0.0.1:" + echo.port(), "--api", "off");
      assertEquals(3, c.awaitExit(EXIT_WAIT), () -> "exit code; stderr:\n" + read(c));
      String err = c.stderr();
      oneLineNoStackTrace("port in use", err);
      assertTrue(err.contains("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": address already in use"), err);
    }
  }

  @Test
  void aDelayFaultMakesEchoesLateOnTheNioTransport() throws Exception {
    Child c = startProxy("delay-nio", "--transport", "nio", "--fault", "{delay: {to: client, by: 150ms}}");
    assertTrue(c.stdout().contains("transport: nio"), c.stdout());
    assertTrue(c.stdout().contains("wschaos fault: f1 (delay) armed"), c.stdout());
    try (RawWebSocket ws = RawWebSocket.connect(port(dir, "delay-nio"), "/late")) {
      for (int i = 1; i <= 3; i++) {
        double ms = roundTrip(ws, "late " + i);
        // Never early; the upper bound only catches a delay gone wrong, not jitter on a busy machine.
        assertTrue(ms >= 150 && ms < 2_000, "echo " + i + " after " + ms + " ms, wanted 150 ms or a little more");
      }
    }
  }

  @Test
  void theNativeTransportRelaysAndSigtermStopsItCleanlyWithTheTimelineWritten() throws Exception {
    Path timeline = dir.resolve("native.jsonl");
    Child c = startProxy("native", "--transport", "native", "--timeline", timeline.toString(), "--level", "meta");
    boolean epoll = System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")
        && List.of("amd64", "x86_64").contains(System.getProperty("os.arch"));
    if (epoll) {
      // The jar carries epoll for linux-x86_64 only; elsewhere native falls back to nio, as --help says.
      assertTrue(c.stdout().contains("transport: native"), c.stdout());
    }
    try (RawWebSocket ws = RawWebSocket.connect(port(dir, "native"), "/fast")) {
      for (int i = 1; i <= 3; i++) {
        double ms = roundTrip(ws, "fast " + i);
        assertTrue(ms < 1_000, "echo " + i + " after " + ms + " ms");
      }
    }
    long t0 = System.nanoTime();
    c.process().destroy(); // SIGTERM
    int code = c.awaitExit(Duration.ofSeconds(5));
    double secs = (System.nanoTime() - t0) / 1e9;
    // The shutdown hook closes the proxy and the timeline; the JVM then exits with the signal's
    // status, 128 + 15, as for any JVM stopped by SIGTERM (System.exit(0) cannot override it then).
    assertEquals(143, code, () -> "exit code after SIGTERM; stderr:\n" + read(c));
    assertTrue(secs < 5, "stopped in " + secs + " s");
    assertEquals("", c.stderr(), "a clean stop prints nothing on stderr");
    String events = Files.readString(timeline);
    assertTrue(events.contains("\"kind\":\"open\""), events);
    assertEquals(6, events.lines().filter(l -> l.contains("\"kind\":\"message\"")).count(),
        () -> "three messages each way on the timeline, flushed at shutdown:\n" + events);
  }
}
