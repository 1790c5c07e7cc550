package io.wschaos.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Links spread over the proxy's event loops; a single server would put every link on one thread. */
class EventLoopSpreadTest {
  private final Vertx vertx = Vertx.vertx();
  private WebSocketClient client;

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void linksLandOnAsManyEventLoopsAsConfiguredAndBothLegsShareOne() {
    EchoUpstream upstream = EchoUpstream.start(vertx).await();
    ProxyServer proxy =
        ProxyServer.start(vertx, ProxyOptions.of(URI.create("ws://127.0.0.1:" + upstream.port())).withEventLoops(2), new Timeline(Level.META)).await();
    client = vertx.createWebSocketClient();
    Set<String> loops = new HashSet<>();
    for (int i = 1; i <= 6; i++) {
      WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(proxy.port()).setURI("/")).await();
      int id = i;
      Waits.until(() -> proxy.link(id) != null, Waits.WAIT, () -> "link " + id + " registered");
      Link link = proxy.link(id);
      CompletableFuture<String> thread = new CompletableFuture<>();
      link.execute(() -> thread.complete(Thread.currentThread().getName()));
      String name = thread.join();
      assertTrue(
          link.side(io.wschaos.frame.Leg.SERVER).ctx.channel().eventLoop() == link.side(io.wschaos.frame.Leg.CLIENT).ctx.channel().eventLoop(),
          "both legs of link " + id + " on one event loop");
      loops.add(name);
      ws.close().await();
    }
    assertEquals(2, loops.size(), "6 links over 2 event loops: " + loops);
    assertTrue(List.copyOf(loops).stream().allMatch(n -> n.startsWith("vert.x-eventloop-thread-")), loops.toString());
  }
}
