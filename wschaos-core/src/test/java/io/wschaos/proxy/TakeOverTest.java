package io.wschaos.proxy;

import static io.wschaos.proxy.Waits.WAIT;
import static io.wschaos.proxy.Waits.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.wschaos.testsupport.RawWebSocket;
import io.wschaos.testsupport.RawWebSocket.RawFrame;
import io.wschaos.testsupport.RawWebSocketServer;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The switch from Vert.x's decoder to the link's scanner loses nothing: frames that came in the
 * same TCP write as the 101, including one the decoder had only half read, reach the client byte
 * for byte, and frames the client sends the moment it has the 101 reach the server.
 */
@Timeout(20)
class TakeOverTest {
  private Vertx vertx;
  private RawWebSocketServer upstream;
  private ProxyServer proxy;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    upstream = RawWebSocketServer.start();
    proxy = await(ProxyServer.start(vertx, ProxyOptions.of(URI.create("ws://127.0.0.1:" + upstream.port())),
        new Timeline(Level.META)));
  }

  @AfterEach
  void stop() {
    upstream.close();
    await(proxy.close());
    await(vertx.close());
  }

  @Test
  void framesInTheSameWriteAsThe101ArriveByteForByteEvenOneTheDecoderHadHalfRead() throws Exception {
    byte[] big = new byte[300_000]; // far more than Netty's first read of a new connection
    new Random(10).nextBytes(big);
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    CompletableFuture<RawWebSocket> c = CompletableFuture.supplyAsync(() -> {
      try {
        RawWebSocket client = RawWebSocket.connect(proxy.port(), "/greeting");
        client.sendText("right after the 101"); // may reach the proxy before the link owns the leg
        return client;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    byte[][] greeting = {
      frame(0x81, "hello".getBytes(StandardCharsets.UTF_8)),
      frame(0x89, "ping".getBytes(StandardCharsets.UTF_8)),
      frame(0x02, "part one".getBytes(StandardCharsets.UTF_8)),
      frame(0x80, big), // a continuation with a 64-bit length, split by the switch
      frame(0x81, "after".getBytes(StandardCharsets.UTF_8)),
    };
    for (byte[] f : greeting) {
      first.writeBytes(f);
    }
    try (RawWebSocket server = upstream.accept(WAIT, first.toByteArray()); RawWebSocket client = c.get(10, TimeUnit.SECONDS)) {
      byte[] atClient = client.readRaw(first.size());
      assertArrayEquals(first.toByteArray(), atClient, "what the server sent with its 101, at the client");
      RawFrame early = server.readFrame();
      assertEquals(RawWebSocket.TEXT, early.opcode());
      assertEquals("right after the 101", early.text());
      client.sendText("later");
      assertEquals("later", server.readFrame().text());
    }
    Waits.until(() -> proxy.liveLinks() == 0, WAIT, () -> "the link ends when both peers leave");
  }

  private static byte[] frame(int b0, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(b0);
    int n = payload.length;
    if (n < 126) {
      out.write(n);
    } else if (n < 65536) {
      out.write(126);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(127);
      for (int i = 7; i >= 0; i--) {
        out.write((int) ((long) n >> (8 * i)));
      }
    }
    out.writeBytes(payload);
    return out.toByteArray();
  }
}
