package io.wschaos.runner;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.wschaos.expect.builtin.BuiltinExpectations;
import io.wschaos.fault.builtin.BuiltinFaults;
import io.wschaos.journal.RunJournal;
import io.wschaos.journal.SuiteJournal;
import io.wschaos.proxy.tls.CertificateAuthority;
import io.wschaos.scenario.ScenarioLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scenario over TLS on both legs: the client (Node ws, trusting the run's authority through
 * NODE_EXTRA_CA_CERTS from the runner) connects to wss://, and the proxy relays to a wss:// server
 * (Vert.x, a certificate of a test authority) that only {@code proxy.upstream_ca} vouches for.
 */
@Tag("node")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsScenarioTest {
  private static Vertx vertx;
  private static HttpServer tlsEcho;
  private static CertificateAuthority authority;
  @TempDir Path dir;

  @BeforeAll
  static void startTlsEcho() throws Exception {
    vertx = Vertx.vertx();
    authority = CertificateAuthority.create("scenario upstream authority");
    CertificateAuthority.Issued cert = authority.issue("127.0.0.1", List.of("localhost"), List.of("127.0.0.1"),
        Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1)));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(CertificateAuthority.keyStore(cert), "wschaos".toCharArray());
    tlsEcho = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true).setKeyCertOptions(KeyCertOptions.wrap(kmf)))
        .webSocketHandler(ws -> ws.textMessageHandler(ws::writeTextMessage))
        .listen().await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private RunJournal run(String upstreamCa) throws Exception {
    Path probe = Path.of("wschaos-core/src/test/node/wss-probe.js").toAbsolutePath();
    String yaml = """
        name: both-legs-on-tls
        server: {url: "wss://127.0.0.1:%d/"}
        proxy: {tls: true%s}
        client: {command: 'node %s "$WSCHAOS_URL" 3000'}
        duration: 6s
        expect:
          - events: {kind: open, min: 1}
          - events: {kind: message, to: client, min: 1}
        """.formatted(tlsEcho.actualPort(), upstreamCa == null ? "" : ", upstream_ca: " + upstreamCa, probe);
    Files.writeString(dir.resolve("tls.yaml"), yaml);
    ScenarioLoader.Loaded loaded = new ScenarioLoader(BuiltinFaults.catalog(), BuiltinExpectations.catalog()).load(List.of(dir.resolve("tls.yaml")));
    assertTrue(loaded.ok(), () -> "valid: " + loaded.errors());
    try (SuiteRunner runner = new SuiteRunner(1, ScenarioRunner.Options.defaults())) {
      SuiteJournal j = runner.run(loaded.scenarios(), 1, new SuiteRunner.Listener() {});
      return j.runs().get(0);
    }
  }

  private static String verdicts(RunJournal j) {
    return j.verdicts().stream().map(v -> v.expectation() + " " + v.verdict().status().wire() + ": " + v.verdict().sentence()).collect(Collectors.joining("\n"));
  }

  @Test
  void aWssClientReachesAWssServerThatTheUpstreamCaVouchesFor() throws Exception {
    Files.writeString(dir.resolve("upstream-ca.pem"), authority.rootPem());
    RunJournal j = run("upstream-ca.pem"); // relative to the scenario file
    assertNull(j.environmentError());
    assertTrue(j.verdicts().stream().allMatch(v -> v.verdict().status().wire().equals("pass")), () -> verdicts(j));
  }

  @Test
  void withoutTheUpstreamCaTheServerIsNotTrustedAndTheClientNeverOpens() throws Exception {
    RunJournal j = run(null);
    assertNull(j.environmentError());
    String v = verdicts(j);
    assertTrue(v.contains("events#1 fail: expected at least 1 open events in the run (client 1); none came"), v);
  }
}
