package io.wschaos.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.net.URI;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ProxyRelayTest {
  Vertx vertx;
  EchoUpstream upstream;
  ProxyServer proxy;
  Timeline timeline;
  WebSocketClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    upstream = EchoUpstream.start(vertx).await();
    timeline = new Timeline(Level.PREVIEW);
    proxy = ProxyServer.start(vertx, ProxyOptions.of(URI.create("ws://127.0.0.1:" + upstream.port())), timeline).await();
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(32 << 20).setMaxMessageSize(64 << 20));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  WebSocket connect(String uri) {
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(proxy.port()).setURI(uri)).await();
  }

  @Test
  void binaryPayloadsArriveByteExact() throws Exception {
    vertx.setTimer(2000, id -> System.out.println("UPSTREAM SAW " + upstream.handshakeHeaders));
    WebSocket ws = connect("/echo?x=1");
    Random r = new Random(7);
    for (int size : new int[] {0, 1, 125, 126, 65535, 65536, 1 << 20}) {
      byte[] b = new byte[size];
      r.nextBytes(b);
      CompletableFuture<Buffer> got = new CompletableFuture<>();
      ws.binaryMessageHandler(got::complete);
      ws.writeBinaryMessage(Buffer.buffer(b));
      assertArrayEquals(b, got.get(10, TimeUnit.SECONDS).getBytes(), "size " + size);
    }
    ws.close().await();
    System.out.println(timeline.events());
  }
}
