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
import io.wschaos.testsupport.NodeProcess;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * wss:// on the client leg with a real Node {@code ws} client that trusts the run's authority through
 * NODE_EXTRA_CA_CERTS: the good certificate works, and each tls fault fails the handshake with the
 * error Node reports, recorded as a rejected attempt that names the fault.
 */
@Tag("node")
@Timeout(60)
class TlsNodeTest {
  private static final FaultEntryParser FAULTS = new FaultEntryParser(BuiltinFaults.catalog());
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static Vertx vertx;
  private static EchoUpstream upstream;
  private static ProxyServer proxy;
  private static Timeline timeline;
  private static Path caFile;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = EchoUpstream.start(vertx).await(10, TimeUnit.SECONDS);
    ServerTls tls = ServerTls.generate();
    caFile = tls.ca().writeRoot(Files.createTempFile("wschaos-test-ca-", ".pem"));
    timeline = new Timeline(Level.PREVIEW);
    proxy = ProxyServer.start(vertx, ProxyOptions.of(URI.create("ws://127.0.0.1:" + upstream.port())).withTls(tls)
        .withHeadTimeout(Duration.ofSeconds(2)), timeline).await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    proxy.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
    Files.deleteIfExists(caFile);
  }

  static List<JsonNode> probe(String url) {
    try (NodeProcess p = NodeProcess.start("wschaos-core/src/test/node/wss-probe.js", Map.of("NODE_EXTRA_CA_CERTS", caFile.toString()), List.of(url, "1500"))) {
      p.awaitEvent("done", Duration.ofSeconds(15));
      return p.allJson();
    }
  }

  private static Event rejectedBy(String id) {
    return timeline.events().stream()
        .filter(e -> e.body() instanceof EventBody.Rejected r && ("fault " + id).equals(r.reason())).findFirst().orElse(null);
  }

  private static String url() {
    return "wss://127.0.0.1:" + proxy.port() + "/tls";
  }

  @Test
  void theGoodCertificateIsTrustedAndFramesFlow() {
    List<JsonNode> out = probe(url());
    assertTrue(out.stream().anyMatch(j -> j.path("event").asText().equals("echo") && j.path("text").asText().equals("hello")), "echo over wss: " + out);
    out = probe("wss://localhost:" + proxy.port() + "/tls");
    assertTrue(out.stream().anyMatch(j -> j.path("event").asText().equals("echo")), "localhost is a name of the good certificate too: " + out);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "expired         | certificate has expired                 | CERT_HAS_EXPIRED             | the client closed the connection during the handshake",
      "not_yet_valid   | certificate is not yet valid            | CERT_NOT_YET_VALID           | the client closed the connection during the handshake",
      "wrong_host      | Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list | ERR_TLS_CERT_ALTNAME_INVALID | the client closed the connection during the handshake",
      "untrusted       | self-signed certificate in certificate chain | SELF_SIGNED_CERT_IN_CHAIN | the client closed the connection during the handshake",
      "handshake_stall | Client network socket disconnected before secure TLS connection was established | ECONNRESET | the client's hello went unanswered; the connection ended after",
      "alert           | sslv3 alert handshake failure           | EPROTO                       | the proxy answered the client's hello with a handshake_failure alert",
  })
  void eachTlsFaultFailsTheHandshakeAsNodeReportsIt(String mode, String nodeMessage, String nodeCode, String recorded) throws Exception {
    String id = "tls-" + mode;
    proxy.faults().add(FAULTS.parse(YAML.readTree("{id: " + id + ", tls: {mode: " + mode + "}}"), "faults[0]", id).get(0));
    try {
      List<JsonNode> out = probe(url());
      System.out.println("[tls " + mode + "] node ws: " + out);
      JsonNode error = out.stream().filter(j -> j.path("event").asText().equals("error")).findFirst().orElseThrow(() -> new AssertionError("no error from node: " + out));
      assertTrue(error.path("message").asText().contains(nodeMessage.trim()), mode + ": " + error);
      assertEquals(nodeCode.trim(), error.path("code").asText(), mode + ": " + error);
      assertTrue(out.stream().noneMatch(j -> j.path("event").asText().equals("open")), "never open: " + out);
      Waits.until(() -> rejectedBy(id) != null, Duration.ofSeconds(5), () -> "a rejected attempt of " + id + " in " + timeline.events());
      Event rejected = rejectedBy(id);
      EventBody.Rejected r = (EventBody.Rejected) rejected.body();
      assertEquals(0, r.status(), "no HTTP status: TLS failed");
      assertEquals("proxy", r.by());
      Event attempt = timeline.events().stream().filter(e -> e.link() == rejected.link() && e.body() instanceof EventBody.Attempt).findFirst().orElseThrow();
      assertEquals(null, ((EventBody.Attempt) attempt.body()).path(), "no request was ever sent");
      String detail = timeline.events().stream()
          .filter(e -> e.link() == rejected.link() && e.body() instanceof EventBody.Fault f && f.action().equals("rejected"))
          .map(e -> ((EventBody.Fault) e.body()).detail()).findFirst().orElseThrow();
      System.out.println("[tls " + mode + "] timeline: " + detail);
      assertTrue(detail.contains(recorded.trim()), mode + ": " + detail);
    } finally {
      proxy.faults().remove(id);
    }
    List<JsonNode> after = probe(url());
    assertTrue(after.stream().anyMatch(j -> j.path("event").asText().equals("echo")), "the good certificate is back once the fault is gone: " + after);
  }
}
