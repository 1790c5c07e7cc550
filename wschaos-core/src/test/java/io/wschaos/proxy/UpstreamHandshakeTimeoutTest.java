package io.wschaos.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.wschaos.frame.Leg;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An upstream that accepts TCP and never answers the upgrade: the client gets 504 after the
 * upstream timeout, a client that gives up first gets an end on the timeline and its upstream
 * socket is closed at once; in both cases no upstream socket is left open (counted from the silent
 * server's side: its reads end).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UpstreamHandshakeTimeoutTest {
  private static Vertx vertx;
  private SilentServer silent;
  private ProxyServer proxy;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  @BeforeEach
  void startSilent() throws IOException {
    silent = new SilentServer();
  }

  @AfterEach
  void stop() throws Exception {
    if (proxy != null) {
      proxy.close().await(5, TimeUnit.SECONDS);
    }
    silent.close();
  }

  private ProxyServer proxy(Duration timeout) throws Exception {
    proxy = ProxyServer.start(vertx, ProxyOptions.of(URI.create("ws://127.0.0.1:" + silent.port())).withUpstreamTimeout(timeout),
        new Timeline(Level.PREVIEW)).await(5, TimeUnit.SECONDS);
    return proxy;
  }

  @Test
  void aSilentUpstreamGives504AfterTheTimeoutAndItsSocketIsClosed() throws Exception {
    ProxyServer p = proxy(Duration.ofMillis(600));
    try (Socket client = upgradeRequest(p.port())) {
      long start = System.nanoTime();
      String status = firstLine(client);
      long ms = (System.nanoTime() - start) / 1_000_000;
      assertTrue(status.startsWith("HTTP/1.1 504"), status);
      assertTrue(ms >= 550 && ms < 5_000, "504 after " + ms + " ms, expected about 600 ms");
      Waits.until(() -> silent.open() == 0, Duration.ofSeconds(3),
          () -> "the proxy closed its upstream socket after answering 504: " + silent.open() + " still open of " + silent.accepted());
      assertEquals(1, silent.accepted());
    }
  }

  @Test
  void aClientThatGivesUpWhileTheProxyWaitsEndsOnTheTimelineAndTheUpstreamSocketClosesAtOnce() throws Exception {
    ProxyServer p = proxy(Duration.ofSeconds(60)); // far beyond the test: only the client's leaving can close it
    try (Socket client = upgradeRequest(p.port())) {
      Waits.until(() -> silent.accepted() == 1, Duration.ofSeconds(5), () -> "the upstream was dialled");
      Waits.until(() -> !events(p, EventBody.Attempt.class).isEmpty(), Duration.ofSeconds(5), () -> "the attempt was recorded");
      Thread.sleep(200);
    }
    long left = System.nanoTime();
    Waits.until(() -> !events(p, EventBody.Abort.class).isEmpty(), Duration.ofSeconds(1),
        () -> "the attempt ended when the client left: " + LinkLedger.tail(p.timeline()));
    EventBody.Abort end = (EventBody.Abort) events(p, EventBody.Abort.class).get(0).body();
    assertEquals(Leg.CLIENT, end.leg());
    assertEquals("client", end.by());
    Waits.until(() -> silent.open() == 0, Duration.ofSeconds(2),
        () -> "the upstream socket outlived its client by 2 s: " + silent.open() + " still open");
    long ms = (System.nanoTime() - left) / 1_000_000;
    assertTrue(ms < 2_000, "upstream closed " + ms + " ms after the client left");
    assertTrue(events(p, EventBody.Rejected.class).isEmpty(), "nobody was left to answer: " + LinkLedger.tail(p.timeline()));
  }

  @Test
  void clientsThatGiveUpOneAfterAnotherLeaveNoUpstreamSocketOpen() throws Exception {
    ProxyServer p = proxy(Duration.ofSeconds(60));
    int n = 8;
    for (int i = 0; i < n; i++) {
      int dialled = i + 1;
      try (Socket client = upgradeRequest(p.port())) {
        Waits.until(() -> silent.accepted() == dialled, Duration.ofSeconds(5), () -> "upstream " + dialled + " was dialled");
      }
    }
    Waits.until(() -> silent.open() == 0, Duration.ofSeconds(3), () -> silent.open() + " of " + n + " upstream sockets still open");
    assertEquals(n, silent.accepted());
    assertEquals(n, events(p, EventBody.Abort.class).size(), () -> "each attempt ended: " + LinkLedger.tail(p.timeline()));
  }

  @Test
  void clientsThatGiveUpTogetherLeaveNoUpstreamSocketOpen() throws Exception {
    ProxyServer p = proxy(Duration.ofSeconds(60));
    int n = 20;
    List<Socket> clients = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        clients.add(upgradeRequest(p.port()));
      }
      Waits.until(() -> silent.accepted() == n, Duration.ofSeconds(5), () -> silent.accepted() + " of " + n + " upstreams dialled");
    } finally {
      for (Socket c : clients) {
        c.close();
      }
    }
    Waits.until(() -> silent.open() == 0, Duration.ofSeconds(3), () -> silent.open() + " of " + n + " upstream sockets still open");
  }

  @Test
  void repeatedHungAttemptsLeaveNoUpstreamSocketOpen() throws Exception {
    ProxyServer p = proxy(Duration.ofMillis(300));
    for (int i = 0; i < 5; i++) {
      try (Socket client = upgradeRequest(p.port())) {
        assertTrue(firstLine(client).startsWith("HTTP/1.1 504"));
      }
    }
    Waits.until(() -> silent.open() == 0, Duration.ofSeconds(5), () -> silent.open() + " of 5 upstream sockets still open");
    assertEquals(5, silent.accepted());
  }

  @Test
  void aClientThatGivesUpWhileTheUpstreamTcpConnectIsPendingLeavesNoUpstreamSocketOpen() throws Exception {
    silent.close();
    silent = new SilentServer(1);
    // Fill the accept queue: the kernel then drops the proxy's SYN and retries it about 1 s later.
    List<Socket> fillers = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Socket f = new Socket();
      try {
        f.connect(new InetSocketAddress("127.0.0.1", silent.port()), 300);
        fillers.add(f);
      } catch (java.net.SocketTimeoutException e) {
        f.close();
        break;
      }
    }
    ProxyServer p = proxy(Duration.ofSeconds(60));
    try (Socket client = upgradeRequest(p.port())) {
      Waits.until(() -> !events(p, EventBody.Attempt.class).isEmpty(), Duration.ofSeconds(5), () -> "the attempt was recorded");
      Thread.sleep(200);
    }
    Waits.until(() -> !events(p, EventBody.Abort.class).isEmpty(), Duration.ofSeconds(1),
        () -> "the attempt ended when the client left: " + LinkLedger.tail(p.timeline()));
    for (Socket f : fillers) {
      f.close();
    }
    silent.startAccepting(); // the proxy's connect now completes, after its client left
    Waits.until(() -> silent.accepted() == fillers.size() + 1, Duration.ofSeconds(10),
        () -> "the proxy's retried connect arrived: " + silent.accepted() + " accepted, " + fillers.size() + " fillers");
    Waits.until(() -> silent.open() == 0, Duration.ofSeconds(3),
        () -> "the upstream socket connected after its client left stayed open: " + silent.open() + " open");
  }

  @Test
  void aClientThatGivesUpDuringASlowHandshakeEndsAtOnceAndIsNeverDialledUpstream() throws Exception {
    ProxyServer p = proxy(Duration.ofSeconds(60));
    var parser = new io.wschaos.fault.FaultEntryParser(io.wschaos.fault.builtin.BuiltinFaults.catalog());
    parser.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"slow_handshake\": {\"by\": \"2s\"}}"), "fault", "f1")
        .forEach(p.faults()::add);
    long start = System.nanoTime();
    try (Socket client = upgradeRequest(p.port())) {
      Waits.until(() -> !events(p, EventBody.Attempt.class).isEmpty(), Duration.ofSeconds(1), () -> "the attempt was recorded");
      Thread.sleep(100);
    }
    Waits.until(() -> !events(p, EventBody.Abort.class).isEmpty(), Duration.ofSeconds(1),
        () -> "the attempt ended when the client left, not when the fault let it go: " + LinkLedger.tail(p.timeline()));
    Thread.sleep(Math.max(0, 2_500 - (System.nanoTime() - start) / 1_000_000)); // past the 2 s the fault held it
    assertEquals(0, silent.accepted(), "the proxy dialled the upstream for a client that had left");
    assertEquals(1, events(p, EventBody.Abort.class).size());
    assertTrue(events(p, EventBody.Rejected.class).isEmpty(), LinkLedger.tail(p.timeline()));
  }

  private static List<Event> events(ProxyServer p, Class<? extends EventBody> kind) {
    return p.timeline().events().stream().filter(e -> kind.isInstance(e.body())).toList();
  }

  private static Socket upgradeRequest(int port) throws IOException {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    s.setSoTimeout(10_000);
    s.getOutputStream().write(("GET /feed HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    return s;
  }

  private static String firstLine(Socket s) throws IOException {
    InputStream in = s.getInputStream();
    StringBuilder b = new StringBuilder();
    for (int c; (c = in.read()) != -1 && c != '\n'; ) {
      b.append((char) c);
    }
    return b.toString().strip();
  }

  /** Accepts on 127.0.0.1 and never writes; counts the accepted sockets the peer has not closed. */
  private static final class SilentServer implements AutoCloseable {
    private final ServerSocket listener;
    private final java.util.concurrent.CountDownLatch accepting = new java.util.concurrent.CountDownLatch(1);
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger open = new AtomicInteger();
    private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

    SilentServer() throws IOException {
      this(50);
      startAccepting();
    }

    /** Does not accept until {@link #startAccepting}: a full backlog makes the kernel drop SYNs. */
    SilentServer(int backlog) throws IOException {
      listener = new ServerSocket(0, backlog, InetAddress.getLoopbackAddress());
      Thread t = new Thread(this::acceptLoop, "silent-upstream");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return listener.getLocalPort();
    }

    int accepted() {
      return accepted.get();
    }

    int open() {
      return open.get();
    }

    void startAccepting() {
      accepting.countDown();
    }

    private void acceptLoop() {
      try {
        accepting.await();
      } catch (InterruptedException e) {
        return;
      }
      while (!listener.isClosed()) {
        try {
          Socket s = listener.accept();
          sockets.add(s);
          accepted.incrementAndGet();
          open.incrementAndGet();
          Thread r = new Thread(() -> drainUntilClosed(s), "silent-upstream-read");
          r.setDaemon(true);
          r.start();
        } catch (IOException e) {
          return; // closed
        }
      }
    }

    private void drainUntilClosed(Socket s) {
      try (InputStream in = s.getInputStream()) {
        byte[] buf = new byte[4096];
        while (in.read(buf) >= 0) {
          // an upgrade request that is never answered
        }
      } catch (IOException e) {
        // reset by the peer: closed as well
      } finally {
        open.decrementAndGet();
      }
    }

    @Override
    public void close() throws IOException {
      listener.close();
      for (Socket s : sockets) {
        s.close();
      }
    }
  }
}
