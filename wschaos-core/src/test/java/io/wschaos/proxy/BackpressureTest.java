package io.wschaos.proxy;

import static io.wschaos.proxy.Waits.WAIT;
import static io.wschaos.proxy.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.wschaos.testsupport.RawWebSocket;
import io.wschaos.testsupport.RawWebSocket.RawFrame;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.net.SocketException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A client that stops reading must hold the server back through the proxy, with the proxy's memory
 * for that link bounded, and lose nothing once it reads again.
 */
class BackpressureTest {
  private static final int FRAME = 64 * 1024;
  private static final int FRAMES = 3200; // 200 MiB
  private static final long TOTAL = (long) FRAME * FRAMES;
  /** A 64 KiB frame on the wire: payload plus a 10-byte header (2 + 8-byte extended length). */
  private static final int FRAME_ON_WIRE = FRAME + 10;
  /** Netty's AdaptiveRecvByteBufAllocator, which Vert.x keeps, reads at most 64 KiB at a time. */
  private static final int READ_BUFFER = 64 * 1024;
  /** ChannelOutboundBuffer counts a fixed overhead per entry on top of the bytes; a frame is two entries. */
  private static final int ENTRY_OVERHEAD_SLACK = 4 * 96;

  private Vertx vertx;
  private ProxyServer proxy;
  private Flood flood;

  /** The upstream: floods every WebSocket with FRAMES binary frames as fast as its write queue allows. */
  private static final class Flood {
    final HttpServer server;
    final byte[] template = new byte[FRAME];
    volatile long sentBytes;
    volatile long crc;

    // touched on the server's event loop only
    private final CRC32 checksum = new CRC32();
    private int next;

    Flood(Vertx vertx) {
      new Random(200).nextBytes(template);
      server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0));
      server.webSocketHandler(ws -> {
        ws.drainHandler(v -> pump(ws));
        pump(ws);
      });
    }

    /** Writes frames until the write queue is full; the drain handler calls it again. Never past what Vert.x accepts. */
    private void pump(ServerWebSocket ws) {
      while (next < FRAMES && !ws.isClosed() && !ws.writeQueueFull()) {
        byte[] payload = frame(template, next);
        checksum.update(payload);
        ws.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(payload), true));
        next++;
        sentBytes += FRAME;
      }
      crc = checksum.getValue();
    }
  }

  /** Frame {@code i}: the template with {@code i} in its first 8 bytes, so order is visible. */
  private static byte[] frame(byte[] template, int i) {
    byte[] b = template.clone();
    ByteBuffer.wrap(b).putLong(i);
    return b;
  }

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    flood = new Flood(vertx);
    await(flood.server.listen());
    proxy = await(ProxyServer.start(vertx, ProxyOptions.of(URI.create("ws://127.0.0.1:" + flood.server.actualPort())),
        new Timeline(Level.META)));
  }

  @AfterEach
  void stop() {
    try {
      LinkLedger.assertEveryLinkEnded(proxy);
    } finally {
      await(proxy.close());
      await(vertx.close());
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS) // 3 s of sampling, then 200 MiB through two loopback hops
  void aClientThatStopsReadingHoldsTheServerBackWithinTheQueueBoundAndThenGetsEverythingInOrder() throws Exception {
    int q = proxy.options().writeQueueBytes();
    // What may sit in the proxy's outbound buffer toward a client that reads nothing:
    //  - up to q, the write-queue high-water mark: below it the client channel is writable and the
    //    link keeps reading the server leg;
    //  - plus the frame whose write crossed the mark (one max frame; here the flood's 64 KiB frame);
    //  - plus what the read in progress when the link stopped reading the server leg still decodes
    //    (auto-read off takes effect after the current read): one read buffer of at most 64 KiB.
    long bound = q + FRAME_ON_WIRE + READ_BUFFER + ENTRY_OVERHEAD_SLACK;

    try (RawWebSocket client = RawWebSocket.connect(proxy.port(), "/flood", s -> {
      try {
        s.setReceiveBufferSize(64 * 1024); // a small kernel window, so that the proxy's own queue fills early
      } catch (SocketException e) {
        throw new IllegalStateException(e);
      }
    })) {
      // The client reads nothing for ~3 s while the proxy's queue toward it is sampled every 50 ms.
      List<long[]> samples = new ArrayList<>(); // {ms, queuedToClient, upstream sent bytes}
      long start = System.nanoTime();
      while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3)) {
        List<LinkStats> links = proxy.links();
        long queued = links.isEmpty() ? 0 : links.get(0).queuedToClient();
        samples.add(new long[] {(System.nanoTime() - start) / 1_000_000, queued, flood.sentBytes});
        Waits.sleep(50);
      }
      long maxQueued = samples.stream().mapToLong(s -> s[1]).max().orElse(0);
      long[] last = samples.get(samples.size() - 1);
      long[] secondBefore = samples.stream().filter(s -> s[0] >= last[0] - 1000).findFirst().orElseThrow();
      String story = "q=" + q + " bound=" + bound + " max=" + maxQueued + " samples (ms, queued, sent):\n" + sampleLines(samples);

      assertTrue(maxQueued <= bound, () -> "the proxy queued more toward the client than its bound\n" + story);
      // The link reads the server again only once the queue falls under the low-water mark q/2, so
      // while the client reads nothing the queue settles between q/2 and the bound, not under it.
      assertTrue(last[1] >= q / 2, () -> "the proxy stopped reading the server with less than half of its " + q
          + "-byte write queue used\n" + story);
      assertEquals(secondBefore[2], last[2], () -> "the server kept sending through the last second\n" + story);
      assertTrue(last[2] < TOTAL / 4, () -> "the server was not held back: it sent " + last[2] + " bytes\n" + story);

      // Now the client reads everything: every frame, in order, byte for byte.
      CRC32 checksum = new CRC32();
      long bytes = 0;
      for (int i = 0; i < FRAMES; i++) {
        RawFrame f = client.readFrame();
        if (f.opcode() != RawWebSocket.BINARY || !f.fin() || f.payload().length != FRAME) {
          throw new AssertionError("frame " + i + " is " + f);
        }
        long index = ByteBuffer.wrap(f.payload()).getLong();
        if (index != i) {
          throw new AssertionError("frame " + i + " carries index " + index + ": out of order or lost");
        }
        checksum.update(f.payload());
        bytes += f.payload().length;
      }
      assertEquals(TOTAL, bytes, "bytes at the client");
      assertEquals(TOTAL, flood.sentBytes, "bytes the server sent");
      assertEquals(flood.crc, checksum.getValue(), "CRC-32 of everything, at the server and at the client");

      client.sendClose(1000, "done");
      RawFrame echo = client.readFrame();
      assertEquals(1000, echo.closeCode(), () -> "the server's close echo, got " + echo);
      assertEquals(RawWebSocket.EndKind.FIN, client.awaitEnd(WAIT).kind());
    }
  }

  private static String sampleLines(List<long[]> samples) {
    StringBuilder sb = new StringBuilder();
    for (long[] s : samples) {
      sb.append(s[0]).append(' ').append(s[1]).append(' ').append(s[2]).append('\n');
    }
    return sb.toString();
  }
}
