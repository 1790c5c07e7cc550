package io.wschaos.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.Vertx;
import io.wschaos.fault.FaultEntryParser;
import io.wschaos.fault.builtin.BuiltinFaults;
import io.wschaos.proxy.tls.ServerTls;
import io.wschaos.testsupport.Browser;
import io.wschaos.testsupport.NodeProcess;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * wss:// on the client leg seen from a page in real headless Chromium, trusting the proxy the way
 * the runner tells it to (WSCHAOS_CA_SPKI: the good certificate's key hash only). The good
 * certificate opens; every tls fault still fails, each with the net error Chromium logs, because
 * fault certificates have keys of their own and so are not covered by the SPKI list.
 */
@Tag("browser")
@Timeout(120)
class TlsChromiumTest {
  private static final FaultEntryParser FAULTS = new FaultEntryParser(BuiltinFaults.catalog());
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static Vertx vertx;
  private static EchoUpstream upstream;
  private static ProxyServer proxy;
  private static ServerTls tls;
  private static Timeline timeline;

  @BeforeAll
  static void start() throws Exception {
    Browser.require();
    vertx = Vertx.vertx();
    upstream = EchoUpstream.start(vertx).await(10, TimeUnit.SECONDS);
    tls = ServerTls.generate();
    timeline = new Timeline(Level.PREVIEW);
    proxy = ProxyServer.start(vertx, ProxyOptions.of(URI.create("ws://127.0.0.1:" + upstream.port())).withTls(tls)
        .withHeadTimeout(Duration.ofSeconds(3)), timeline).await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (proxy != null) {
      proxy.close().await(10, TimeUnit.SECONDS);
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  /** What the page saw (ws-… events) and Chromium's console lines over {@code n} connections; the browser tree is gone after. */
  private static List<JsonNode> open(int n) {
    return open(n, null);
  }

  /**
   * With {@code before}, connection i is opened only once {@code before.accept(i)} returned (it sets the
   * faults for it).
   */
  private static List<JsonNode> open(int n, java.util.function.IntConsumer before) {
    List<String> args = new ArrayList<>(List.of("wss://127.0.0.1:" + proxy.port() + "/tls", tls.goodSpki(), Integer.toString(n)));
    if (before != null) {
      args.add("step");
    }
    NodeProcess node = NodeProcess.start("wschaos-core/src/test/node/wss-chromium.js", args);
    List<ProcessHandle> family = new ArrayList<>();
    try {
      if (before != null) {
        for (int i = 1; i <= n; i++) {
          before.accept(i);
          node.send("go");
          int k = i;
          node.awaitJson("connection " + k, j -> j.path("event").asText().equals("connection") && j.path("n").asInt() == k, Duration.ofSeconds(30));
        }
      }
      JsonNode last = node.awaitJson("done or error", j -> j.path("event").asText().matches("done|error"), Duration.ofSeconds(60));
      assertEquals("done", last.path("event").asText(), () -> last + "\n" + node.describe());
      return node.allJson();
    } finally {
      for (JsonNode j : node.events("browser")) {
        j.path("pids").forEach(p -> ProcessHandle.of(p.asLong()).ifPresent(family::add));
      }
      node.close();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (family.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
        Waits.sleep(20);
      }
      family.forEach(ProcessHandle::destroyForcibly);
      assertEquals(List.of(), family.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList(), "browser processes left behind");
    }
  }

  /** Connection {@code n}'s page events, e.g. "error, close 1006". */
  private static String wsEvents(List<JsonNode> out, int n) {
    return out.stream().filter(j -> j.path("ws").asBoolean() && j.path("n").asInt() == n)
        .map(j -> j.path("event").asText().substring(3) + (j.has("code") ? " " + j.path("code").asInt() : ""))
        .collect(Collectors.joining(", "));
  }

  /** Chromium's console lines logged during connection {@code n}. */
  private static String console(List<JsonNode> out, int n) {
    List<String> lines = new ArrayList<>();
    int current = 1;
    for (JsonNode j : out) {
      if (j.path("event").asText().equals("connection")) {
        current = j.path("n").asInt() + 1;
      } else if (j.path("event").asText().equals("console") && current == n) {
        lines.add(j.path("text").asText());
      }
    }
    return String.join(" | ", lines);
  }

  @Test
  void theGoodCertificateOpensAndEveryFaultStillFails() throws Exception {
    // One lasting fault per connection, set before it and removed after; the last gets the good certificate.
    String[][] cases = {
        {"expired", "net::ERR_CERT_AUTHORITY_INVALID"},
        {"not_yet_valid", "net::ERR_CERT_AUTHORITY_INVALID"},
        {"wrong_host", "net::ERR_CERT_AUTHORITY_INVALID"},
        {"untrusted", "net::ERR_CERT_AUTHORITY_INVALID"},
        {"alert", "net::ERR_SSL_VERSION_OR_CIPHER_MISMATCH"},
        // Chromium opens a second connection when the first closes mid-handshake: both stall.
        {"handshake_stall", "net::ERR_CONNECTION_CLOSED"},
    };
    List<JsonNode> out = open(cases.length + 1, i -> {
      if (i > 1) {
        proxy.faults().remove("chromium-" + cases[i - 2][0]);
      }
      if (i <= cases.length) {
        try {
          String id = "chromium-" + cases[i - 1][0];
          proxy.faults().add(FAULTS.parse(YAML.readTree("{id: " + id + ", tls: {mode: " + cases[i - 1][0] + "}}"), "faults[0]", id).get(0));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    });
    for (int i = 0; i < cases.length; i++) {
      String mode = cases[i][0];
      String id = "chromium-" + mode;
      System.out.println("[tls " + mode + "] chromium: " + wsEvents(out, i + 1) + " / console: " + console(out, i + 1));
      assertEquals("error, close 1006", wsEvents(out, i + 1), mode + " must fail in Chromium: " + out);
      assertTrue(console(out, i + 1).contains(cases[i][1]), mode + ": Chromium's console names " + cases[i][1] + ": " + console(out, i + 1));
      Waits.until(() -> timeline.events().stream().anyMatch(e -> e.body() instanceof EventBody.Rejected r && ("fault " + id).equals(r.reason())),
          Duration.ofSeconds(5), () -> "a rejected attempt of " + id);
    }
    assertEquals("open, echo, close 1000", wsEvents(out, cases.length + 1), "the good certificate, trusted by its key's hash: " + out);
    long stalled = timeline.events().stream().filter(e -> e.body() instanceof EventBody.Rejected r && "fault chromium-handshake_stall".equals(r.reason())).count();
    System.out.println("[tls handshake_stall] chromium attempts for one page connection: " + stalled);
  }

}
