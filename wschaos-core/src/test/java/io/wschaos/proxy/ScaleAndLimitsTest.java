package io.wschaos.proxy;

import static io.wschaos.proxy.Waits.WAIT;
import static io.wschaos.proxy.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.wschaos.frame.Leg;
import io.wschaos.testsupport.RawWebSocket;
import io.wschaos.testsupport.RawWebSocket.RawFrame;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many links at once, and links that break the rules failing alone while healthy ones carry on. */
class ScaleAndLimitsTest {
  private Vertx vertx;
  private EchoUpstream upstream;
  private ProxyServer proxy;
  private WebSocketClient client; // a field: Vert.x 5 disposes of unreachable clients

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    upstream = await(EchoUpstream.start(vertx));
    client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(Integer.MAX_VALUE) // -1 makes every connect wait forever in 5.0.7
        .setMaxFrameSize(1 << 20));
  }

  @AfterEach
  void stop() {
    try {
      if (proxy != null) {
        LinkLedger.assertEveryLinkEnded(proxy);
      }
    } finally {
      if (proxy != null) {
        await(proxy.close());
      }
      await(vertx.close());
    }
  }

  private void startProxy(ProxyOptions options) {
    proxy = await(ProxyServer.start(vertx, options, new Timeline(Level.META)));
  }

  private Future<WebSocket> connect() {
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(proxy.port()).setURI("/"));
  }

  @Test
  // 500 links x 100 round trips take ~3 s on an idle 2-core box; the bounds below leave room for
  // shared cores: with other builds running we saw 6-12 s.
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void fiveHundredConcurrentLinksEachEchoAHundredMessagesIntact() {
    startProxy(ProxyOptions.of(URI.create("ws://127.0.0.1:" + upstream.port())));
    int links = 500;
    int messages = 100;
    List<Future<WebSocket>> opening = new ArrayList<>();
    for (int i = 0; i < links; i++) {
      opening.add(connect());
    }
    await(Future.all(opening), Duration.ofSeconds(10));
    Waits.until(() -> proxy.liveLinks() == links, WAIT, () -> proxy.liveLinks() + " live links");

    List<CompletableFuture<String>> done = new ArrayList<>();
    for (int i = 0; i < links; i++) {
      WebSocket ws = opening.get(i).result();
      String prefix = "link " + i + " message ";
      CompletableFuture<String> finished = new CompletableFuture<>();
      done.add(finished);
      AtomicInteger next = new AtomicInteger();
      ws.textMessageHandler(text -> {
        int n = next.getAndIncrement();
        if (!text.equals(prefix + n)) {
          finished.complete("expected '" + prefix + n + "', got '" + text + "'");
        } else if (n == messages - 1) {
          finished.complete("ok");
        }
      });
      for (int m = 0; m < messages; m++) {
        ws.writeTextMessage(prefix + m);
      }
    }
    Duration echoBound = Duration.ofSeconds(15);
    CompletableFuture.allOf(done.toArray(CompletableFuture[]::new))
        .completeOnTimeout(null, echoBound.toMillis(), TimeUnit.MILLISECONDS).join();
    List<String> failures = new ArrayList<>();
    for (int i = 0; i < links; i++) {
      String r = done.get(i).getNow("not all echoes back within " + echoBound);
      if (!r.equals("ok")) {
        failures.add("link " + i + ": " + r);
      }
    }
    assertEquals(List.of(), failures, "links whose 100 echoes did not all come back in order");

    List<Future<Void>> closing = new ArrayList<>();
    opening.forEach(f -> closing.add(f.result().close()));
    await(Future.all(closing), Duration.ofSeconds(10));
    assertEquals(links, VertxRelayTest.bodies(proxy, EventBody.Open.class).size(), "links opened");
  }

  /** A Vert.x link that sends message k+1 as soon as the echo of k is back, until told to stop. */
  private static final class Chatter {
    final WebSocket ws;
    final String prefix;
    volatile boolean stop;
    volatile int sent;
    volatile int received;
    final List<String> wrong = new CopyOnWriteArrayList<>();

    Chatter(WebSocket ws, String prefix) {
      this.ws = ws;
      this.prefix = prefix;
      ws.textMessageHandler(text -> {
        if (!text.equals(prefix + received)) {
          wrong.add("expected " + prefix + received + ", got " + text);
        }
        received++;
        if (!stop) {
          send();
        }
      });
    }

    void send() {
      ws.writeTextMessage(prefix + sent++);
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void oversizeFramesAndProtocolErrorsCloseOnlyTheOffendersWhileHealthyLinksKeepEchoing() throws Exception {
    startProxy(ProxyOptions.of(URI.create("ws://127.0.0.1:" + upstream.port())).withMaxFrameBytes(64 * 1024));
    List<Chatter> healthy = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      Chatter c = new Chatter(await(connect()), "healthy " + i + " #");
      healthy.add(c);
      c.send();
    }
    Waits.until(() -> healthy.stream().allMatch(c -> c.received > 10), WAIT, () -> "healthy links echoing");

    // A client sends one 100 KiB frame: 1009 to it, 1001 to the server.
    WebSocket big = await(connect());
    int bigLink = lastAttempt();
    CompletableFuture<String> bigClosed = new CompletableFuture<>();
    big.closeHandler(v -> bigClosed.complete(big.closeStatusCode() + ""));
    big.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(new byte[100 * 1024]), true));
    assertEquals("1009", bigClosed.get(5, TimeUnit.SECONDS), "the close code the oversize sender got");
    Waits.until(() -> upstream.closes.size() == 1, WAIT, () -> "the server's close, got " + upstream.closes);
    assertTrue(upstream.closes.get(0).startsWith("1001 "), () -> "the server got " + upstream.closes);
    assertProxyClosed(bigLink, 1009);

    // A client sends an unmasked frame, another a data frame with reserved opcode 0x3: 1002 to each.
    int[] raw = {0, 0};
    for (int which = 0; which < 2; which++) {
      try (RawWebSocket offender = RawWebSocket.connect(proxy.port(), "/")) {
        raw[which] = lastAttempt();
        if (which == 0) {
          offender.send(RawWebSocket.TEXT, true, "not masked".getBytes(), false);
        } else {
          offender.send(0x3, true, new byte[] {1, 2, 3});
        }
        RawFrame close = offender.readFrame();
        assertEquals(1002, close.closeCode(), () -> "the offender got " + close);
        assertEquals(RawWebSocket.EndKind.FIN, offender.awaitEnd(WAIT).kind(), "after its close, the proxy closes TCP");
      }
      int closes = which + 2;
      Waits.until(() -> upstream.closes.size() == closes, WAIT, () -> "the server's close, got " + upstream.closes);
      assertTrue(upstream.closes.get(closes - 1).startsWith("1001 "), () -> "the server got " + upstream.closes);
      assertProxyClosed(raw[which], 1002);
    }

    // The healthy links never noticed: they kept echoing, in order, without loss.
    int[] before = healthy.stream().mapToInt(c -> c.received).toArray();
    Waits.until(() -> {
      for (int i = 0; i < healthy.size(); i++) {
        if (healthy.get(i).received < before[i] + 10) {
          return false;
        }
      }
      return true;
    }, WAIT, () -> "healthy links still echoing after the offenders");
    healthy.forEach(c -> c.stop = true);
    Waits.until(() -> healthy.stream().allMatch(c -> c.received == c.sent), WAIT, () -> "every healthy echo back");
    for (Chatter c : healthy) {
      assertEquals(List.of(), c.wrong, () -> c.prefix + " echoes out of order or lost");
      assertFalse(c.ws.isClosed(), () -> c.prefix + " was closed");
    }
    List<Future<Void>> closing = new ArrayList<>();
    healthy.forEach(c -> closing.add(c.ws.close()));
    await(Future.all(closing));
  }

  private int lastAttempt() {
    return proxy.timeline().events().stream().filter(e -> e.body() instanceof EventBody.Attempt)
        .mapToInt(e -> e.link()).max().orElseThrow();
  }

  /** The timeline shows {@code code} from the proxy to the client and 1001 from it to the server. */
  private void assertProxyClosed(int link, int code) {
    List<String> closes = proxy.timeline().events().stream().filter(e -> e.link() == link && e.body() instanceof EventBody.Close)
        .map(e -> (EventBody.Close) e.body())
        .map(c -> c.leg().wire() + " " + c.by() + " " + c.code()).toList();
    assertEquals(List.of(Leg.CLIENT.wire() + " proxy " + code, Leg.SERVER.wire() + " proxy 1001"),
        closes.subList(0, Math.min(2, closes.size())), () -> "closes of link " + link + "\n" + LinkLedger.of(proxy.timeline(), link));
  }
}
