package io.wschaos.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.wschaos.proxy.tls.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wschaos proxy --tls [--cert F --key F] [--ca-out F]} and {@code --upstream-ca F}: bad files
 * and misplaced flags are one line and exit 2; a proxy with both legs on TLS relays a real wss://
 * client to a TLS echo server (Vert.x, certificate from a test authority) that the JVM alone would
 * not trust.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsFlagsTest {
  private static Vertx vertx;
  private static HttpServer tlsEcho;
  private static CertificateAuthority upstreamAuthority;
  @TempDir Path dir;
  private final List<Process> children = new ArrayList<>();

  @BeforeAll
  static void startTlsEcho() throws Exception {
    vertx = Vertx.vertx();
    upstreamAuthority = CertificateAuthority.create("upstream test authority");
    CertificateAuthority.Issued cert = upstreamAuthority.issue("127.0.0.1", List.of("localhost"), List.of("127.0.0.1"),
        Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1)));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(CertificateAuthority.keyStore(cert), "wschaos".toCharArray());
    tlsEcho = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true).setKeyCertOptions(KeyCertOptions.wrap(kmf)))
        .webSocketHandler(ws -> ws.textMessageHandler(t -> ws.writeTextMessage("upstream:" + t)))
        .listen().await(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stopChildren() throws InterruptedException {
    for (Process p : children) {
      p.destroyForcibly();
      p.waitFor(5, TimeUnit.SECONDS);
    }
  }

  private static String oneLine(String... args) {
    ConsoleRun run = ConsoleRun.of(args);
    assertEquals(2, run.exit(), () -> String.join(" ", args) + ": exit code\n" + run.out() + run.err());
    List<String> lines = run.err().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), () -> "one line on stderr, got:\n" + run.err());
    assertFalse(run.err().contains("Exception") || run.err().contains("\tat "), run.err());
    assertEquals("", run.out());
    return lines.get(0);
  }

  @Test
  void badCertificateAndKeyFilesAndMisplacedFlagsAreOneLineAndExitTwo() throws Exception {
    String up = "ws://127.0.0.1:9";
    Path missing = dir.resolve("missing.pem");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "not a certificate\n");
    CertificateAuthority.Issued issued = upstreamAuthority.issue("x", List.of("localhost"), List.of("127.0.0.1"), Instant.now(), Instant.now().plus(Duration.ofDays(1)));
    Path cert = Files.writeString(dir.resolve("cert.pem"), CertificateAuthority.pem(issued.chain().toArray()));
    Path otherKey = Files.writeString(dir.resolve("other-key.pem"),
        CertificateAuthority.pkcs8Pem(upstreamAuthority.issue("y", List.of("localhost"), List.of(), Instant.now(), Instant.now().plus(Duration.ofDays(1))).key()));

    assertEquals("wschaos: --cert: " + missing + ": no such readable file",
        oneLine("proxy", "--listen", "127.0.0.1:0", "--upstream", up, "--api", "off", "--tls", "--cert", missing.toString(), "--key", garbage.toString()));
    assertTrue(oneLine("proxy", "--listen", "127.0.0.1:0", "--upstream", up, "--api", "off", "--tls", "--cert", garbage.toString(), "--key", otherKey.toString())
        .startsWith("wschaos: --cert: " + garbage + ": "), "a file that is no certificate");
    assertTrue(oneLine("proxy", "--listen", "127.0.0.1:0", "--upstream", up, "--api", "off", "--tls", "--cert", cert.toString(), "--key", garbage.toString())
        .startsWith("wschaos: --key: " + garbage + ": not a private key for " + cert), "a key file that is no key");
    assertTrue(oneLine("proxy", "--listen", "127.0.0.1:0", "--upstream", up, "--api", "off", "--tls", "--cert", cert.toString(), "--key", otherKey.toString())
        .startsWith("wschaos: --key: " + otherKey + ": not a private key for " + cert + " (it belongs to another certificate)"), "a key of another certificate");
    assertEquals("wschaos: --cert: goes with --tls (a wss:// listener)",
        oneLine("proxy", "--listen", "127.0.0.1:0", "--upstream", up, "--api", "off", "--cert", cert.toString(), "--key", otherKey.toString()));
    assertEquals("wschaos: --cert: needs --key (its private key)", oneLine("proxy", "--listen", "127.0.0.1:0", "--upstream", up, "--api", "off", "--tls", "--cert", cert.toString()));
    assertEquals("wschaos: --upstream-ca: goes with a wss:// upstream, got " + up,
        oneLine("proxy", "--listen", "127.0.0.1:0", "--upstream", up, "--api", "off", "--upstream-ca", cert.toString()));
    assertEquals("wschaos: --upstream-ca: " + garbage + ": not a PEM certificate (No certificate data found)",
        oneLine("proxy", "--listen", "127.0.0.1:0", "--upstream", "wss://127.0.0.1:9", "--api", "off", "--upstream-ca", garbage.toString()).replace("\n", " "));
    assertEquals("wschaos: --fault: f1: a tls fault needs a TLS listener: add --tls",
        oneLine("proxy", "--listen", "127.0.0.1:0", "--upstream", up, "--api", "off", "--fault", "{tls: {mode: expired}}"));
  }

  /** Starts {@code wschaos proxy args…} in a JVM of its own; returns its port once it listens, and its stdout. */
  private String[] startProxy(String name, String... args) throws Exception {
    Path ready = dir.resolve(name + ".port");
    Path out = dir.resolve(name + ".out");
    Path err = dir.resolve(name + ".err");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(), "proxy",
        "--listen", "127.0.0.1:0", "--api", "off", "--ready-file", ready.toString()));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    children.add(p);
    long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < until) {
      if (Files.exists(ready) && !Files.readString(ready).isBlank() && Files.readString(out).contains("wschaos proxy:")) {
        return new String[] {Files.readString(ready).trim(), Files.readString(out)};
      }
      if (!p.isAlive()) {
        fail(name + " exited with " + p.exitValue() + "; stderr:\n" + Files.readString(err));
      }
      Thread.sleep(20);
    }
    fail(name + " did not listen; stderr:\n" + Files.readString(err));
    return null;
  }

  private static String echoOver(int port, PemTrustOptions trust) throws Exception {
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions().setTrustOptions(trust).setVerifyHost(true));
    try {
      WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setSsl(true).setURI("/both")).await(10, TimeUnit.SECONDS);
      CompletableFuture<String> got = new CompletableFuture<>();
      ws.textMessageHandler(got::complete);
      ws.writeTextMessage("hi");
      return got.get(10, TimeUnit.SECONDS);
    } finally {
      client.close();
    }
  }

  @Test
  void bothLegsOnTlsRelayToAnUpstreamOnlyTheUpstreamCaVouchesFor() throws Exception {
    Path upstreamCa = Files.writeString(dir.resolve("upstream-ca.pem"), upstreamAuthority.rootPem(), StandardCharsets.US_ASCII);
    Path caOut = dir.resolve("run-ca.pem");
    String[] started = startProxy("generated", "--upstream", "wss://127.0.0.1:" + tlsEcho.actualPort(), "--upstream-ca", upstreamCa.toString(),
        "--tls", "--ca-out", caOut.toString());
    assertTrue(started[1].contains("wschaos proxy: wss://127.0.0.1:" + started[0]), started[1]);
    assertTrue(started[1].contains("wschaos tls: the run's authority is " + caOut + " (Node: NODE_EXTRA_CA_CERTS=" + caOut + ")"), started[1]);
    assertTrue(started[1].contains("wschaos tls: Chromium: --ignore-certificate-errors-spki-list="), started[1]);
    assertEquals("upstream:hi", echoOver(Integer.parseInt(started[0]), new PemTrustOptions().addCertPath(caOut.toString())));

    // The user's own certificate and key, and an upstream the JVM alone does not trust: 502.
    CertificateAuthority own = CertificateAuthority.create("own authority");
    CertificateAuthority.Issued issued = own.issue("localhost", List.of("localhost"), List.of("127.0.0.1"), Instant.now().minus(Duration.ofHours(1)), Instant.now().plus(Duration.ofDays(1)));
    Path cert = Files.writeString(dir.resolve("own-cert.pem"), CertificateAuthority.pem(issued.chain().toArray()));
    Path key = Files.writeString(dir.resolve("own-key.pem"), CertificateAuthority.pkcs8Pem(issued.key()));
    String[] mine = startProxy("own", "--upstream", "wss://127.0.0.1:" + tlsEcho.actualPort(), "--tls", "--cert", cert.toString(), "--key", key.toString());
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setTrustOptions(new PemTrustOptions().addCertValue(io.vertx.core.buffer.Buffer.buffer(own.rootPem()))));
    try {
      Throwable refused = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(Integer.parseInt(mine[0])).setSsl(true).setURI("/x"))
          .transform(ar -> io.vertx.core.Future.succeededFuture(ar.cause())).await(10, TimeUnit.SECONDS);
      assertTrue(refused instanceof io.vertx.core.http.UpgradeRejectedException u && u.getStatus() == 502,
          "TLS to the proxy works with the user's certificate; the upstream, untrusted without --upstream-ca, gives 502: " + refused);
    } finally {
      client.close();
    }
  }
}
