package io.wschaos.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.wschaos.bench.EchoServer;
import io.wschaos.testsupport.RawWebSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wschaos toxiproxy} and {@code wschaos proxy --toxiproxy-api} as a user runs them: a child
 * JVM each, driven over raw HTTP like a Toxiproxy client, a link through the created proxy to an
 * echo server in this JVM. Every child is stopped by its own pid.
 */
class ToxiproxyCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static Vertx vertx;
  private static EchoServer echo;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final List<Process> children = new ArrayList<>();

  @TempDir Path dir;

  @BeforeAll
  static void startEcho() {
    vertx = Vertx.vertx();
    echo = EchoServer.start(vertx, "127.0.0.1", 0).await();
  }

  @AfterAll
  static void stopEcho() {
    vertx.close().await();
  }

  @AfterEach
  void stopChildren() throws InterruptedException {
    for (Process p : children) {
      if (p.isAlive()) {
        p.destroy();
        if (!p.waitFor(5, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  private Process start(String name, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".err").toFile()).start();
    children.add(p);
    return p;
  }

  private String out(String name) throws Exception {
    return Files.readString(dir.resolve(name + ".out"), StandardCharsets.UTF_8);
  }

  /** Waits for a stdout line matching {@code pattern}; its first group. */
  private String awaitLine(String name, Process p, String pattern) throws Exception {
    Pattern re = Pattern.compile(pattern);
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < until) {
      Matcher m = re.matcher(out(name));
      if (m.find()) {
        return m.group(1);
      }
      if (!p.isAlive()) {
        fail(name + " exited with " + p.exitValue() + ": " + Files.readString(dir.resolve(name + ".err")));
      }
      Thread.sleep(20);
    }
    fail(name + ": no line like " + pattern + " within 20 s: " + out(name));
    return null;
  }

  private HttpResponse<String> call(int port, String method, String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static long roundTrip(RawWebSocket ws, String text) throws Exception {
    long t0 = System.nanoTime();
    ws.sendText(text);
    RawWebSocket.RawFrame f = ws.readFrame(Duration.ofSeconds(5));
    assertEquals(text, f.text());
    return (System.nanoTime() - t0) / 1_000_000;
  }

  @Test
  void toxiproxyServerModeStartsEmptyAndServesProxiesWithToxics() throws Exception {
    Path ready = dir.resolve("api.port");
    Process p = start("tp", "toxiproxy", "--port", "0", "--ready-file", ready.toString());
    awaitLine("tp", p, "Toxiproxy API on (http://\\S+)");
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!Files.exists(ready) && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    int api = Integer.parseInt(Files.readString(ready).trim());
    assertEquals("{}", call(api, "GET", "/proxies", null).body(), "starts with no proxies");
    HttpResponse<String> created = call(api, "POST", "/proxies", "{\"name\":\"feed\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:" + echo.port() + "\"}");
    assertEquals(201, created.statusCode(), created.body());
    String listen = JSON.readTree(created.body()).get("listen").asText();
    int port = Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    try (RawWebSocket ws = RawWebSocket.connect(port, "/")) {
      assertTrue(roundTrip(ws, "fast") < 300);
      assertEquals(200, call(api, "POST", "/proxies/feed/toxics", "{\"type\":\"latency\",\"attributes\":{\"latency\":400}}").statusCode());
      long slow = roundTrip(ws, "slow");
      assertTrue(slow >= 380, "latency 400: " + slow + " ms");
    }
    assertEquals(204, call(api, "DELETE", "/proxies/feed", null).statusCode());
  }

  @Test
  void configCreatesItsProxiesAtStart() throws Exception {
    Path config = dir.resolve("proxies.json");
    Files.writeString(config, "[{\"name\":\"feed\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:" + echo.port() + "\"}]");
    Process p = start("cfg", "toxiproxy", "--port", "0", "--config", config.toString());
    int api = Integer.parseInt(awaitLine("cfg", p, "Toxiproxy API on http://127\\.0\\.0\\.1:(\\d+)"));
    awaitLine("cfg", p, "--config \\S+: (proxies feed)");
    JsonNode feed = JSON.readTree(call(api, "GET", "/proxies", null).body()).get("feed");
    assertTrue(feed.get("enabled").asBoolean(), feed.toString());
    String listen = feed.get("listen").asText();
    try (RawWebSocket ws = RawWebSocket.connect(Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1)), "/")) {
      roundTrip(ws, "configured");
    }
  }

  @Test
  void proxyModeAnswersToxiproxyBesideItsControlApiOnOneTimeline() throws Exception {
    Process p = start("px", "proxy", "--listen", "127.0.0.1:0", "--upstream", "ws://127.0.0.1:" + echo.port(),
        "--api", "127.0.0.1:0", "--toxiproxy-api", "127.0.0.1:0");
    int tp = Integer.parseInt(awaitLine("px", p, "wschaos toxiproxy api: http://127\\.0\\.0\\.1:(\\d+)"));
    int control = Integer.parseInt(awaitLine("px", p, "wschaos api: http://127\\.0\\.0\\.1:(\\d+)"));
    HttpResponse<String> created = call(tp, "POST", "/proxies", "{\"name\":\"side\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:" + echo.port() + "\"}");
    assertEquals(201, created.statusCode(), created.body());
    String listen = JSON.readTree(created.body()).get("listen").asText();
    assertEquals(200, call(tp, "POST", "/proxies/side/toxics", "{\"type\":\"latency\",\"attributes\":{\"latency\":50}}").statusCode());
    try (RawWebSocket ws = RawWebSocket.connect(Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1)), "/through-toxiproxy")) {
      roundTrip(ws, "hello");
    }
    String timeline = call(control, "GET", "/api/timeline?since=0", null).body();
    assertTrue(timeline.contains("/through-toxiproxy"), "the Toxiproxy proxy's link is on the proxy's timeline: " + timeline);
    assertTrue(timeline.contains("side.latency_downstream"), "and its toxic's fault events");
  }

  private void assertBadFlag(String name, String flag, String... args) throws Exception {
    Process p = start(name, args);
    assertTrue(p.waitFor(15, TimeUnit.SECONDS));
    assertEquals(2, p.exitValue());
    String err = Files.readString(dir.resolve(name + ".err"));
    assertEquals(1, err.lines().filter(l -> !l.isBlank()).count(), err);
    assertTrue(err.startsWith("wschaos: ") && err.contains(flag), err);
    assertFalse(err.contains("\tat "), err);
  }

  @Test
  void badFlagsAreOneLineExitTwo() throws Exception {
    assertBadFlag("bad1", "--toxiproxy-api", "proxy", "--upstream", "ws://127.0.0.1:1", "--api", "off", "--toxiproxy-api", "nonsense");
    assertBadFlag("bad2", "--port", "toxiproxy", "--port", "70000");
    assertBadFlag("bad3", "--config", "toxiproxy", "--port", "0", "--config", dir.resolve("missing.json").toString());
    assertBadFlag("bad4", "--level", "toxiproxy", "--port", "0", "--level", "loud");
  }
}
