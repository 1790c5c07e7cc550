package io.wschaos.proxy;

import static io.wschaos.proxy.Waits.WAIT;
import static io.wschaos.proxy.Waits.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.wschaos.testsupport.RawWebSocket;
import io.wschaos.testsupport.RawWebSocketServer;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random frame streams, written in pieces cut at random places, come out of the relay byte for
 * byte: the same frames, in order, with the same FIN bits, opcodes, lengths and (toward the
 * server) the client's own mask keys. Real sockets on 127.0.0.1 both ways; bounded in tries,
 * bytes and time.
 */
class RelayBytesPropertyTest {
  private static Vertx vertx;
  private static RawWebSocketServer upstream;
  private static ProxyServer proxy;
  private static Socket clientSocket;

  @BeforeContainer
  static void start() throws IOException {
    vertx = Vertx.vertx();
    upstream = RawWebSocketServer.start();
    proxy = await(ProxyServer.start(vertx, ProxyOptions.of(URI.create("ws://127.0.0.1:" + upstream.port())),
        new Timeline(Level.PREVIEW))); // preview reads text payloads: the bytes must still go out untouched
  }

  @AfterContainer
  static void stop() {
    upstream.close();
    await(proxy.close());
    await(vertx.close());
  }

  /** A stream of whole messages, each cut into frames, with pings and pongs between fragments. */
  static byte[] stream(Random r, int messages, boolean masked) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int m = 0; m < messages; m++) {
      int opcode = r.nextBoolean() ? RawWebSocket.TEXT : RawWebSocket.BINARY;
      int frames = 1 + r.nextInt(4);
      for (int f = 0; f < frames; f++) {
        out.writeBytes(frame(r, f == 0 ? opcode : RawWebSocket.CONTINUATION, f == frames - 1, payloadSize(r), masked));
        if (r.nextInt(4) == 0) {
          out.writeBytes(frame(r, r.nextBoolean() ? RawWebSocket.PING : RawWebSocket.PONG, true, r.nextInt(126), masked));
        }
      }
    }
    return out.toByteArray();
  }

  /** Mostly small, sometimes a 16-bit length, now and then a 64-bit one. */
  private static int payloadSize(Random r) {
    int k = r.nextInt(20);
    return k < 14 ? r.nextInt(126) : k < 19 ? 126 + r.nextInt(8000) : 65536 + r.nextInt(40_000);
  }

  private static byte[] frame(Random r, int opcode, boolean fin, int size, boolean masked) {
    byte[] payload = new byte[size];
    for (int i = 0; i < size; i++) {
      payload[i] = (byte) ('a' + r.nextInt(26)); // valid UTF-8, whatever the opcode
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write((fin ? 0x80 : 0) | opcode);
    int m = masked ? 0x80 : 0;
    if (size < 126) {
      out.write(m | size);
    } else if (size < 65536) {
      out.write(m | 126);
      out.write(size >> 8);
      out.write(size);
    } else {
      out.write(m | 127);
      for (int i = 7; i >= 0; i--) {
        out.write((int) ((long) size >> (8 * i)));
      }
    }
    if (masked) {
      byte[] key = new byte[4];
      r.nextBytes(key);
      out.writeBytes(key);
      for (int i = 0; i < size; i++) {
        payload[i] ^= key[i & 3];
      }
    }
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /** Writes {@code bytes} in {@code pieces} cut at random places, pausing so that the proxy reads them apart. */
  private static void writeInPieces(OutputStream out, byte[] bytes, int pieces, Random r) throws IOException {
    int[] cuts = r.ints(pieces - 1, 1, Math.max(2, bytes.length)).sorted().distinct().toArray();
    int from = 0;
    for (int cut : cuts) {
      out.write(bytes, from, cut - from);
      out.flush();
      from = cut;
      sleepMillis(1 + r.nextInt(3));
    }
    out.write(bytes, from, bytes.length - from);
    out.flush();
  }

  private static void sleepMillis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Property(tries = 25, seed = "20261202")
  void framesComeOutByteIdenticalInOrderBothWays(
      @ForAll long seed, @ForAll @IntRange(min = 1, max = 12) int messages, @ForAll @IntRange(min = 1, max = 12) int pieces)
      throws Exception {
    Random r = new Random(seed);
    CompletableFuture<RawWebSocket> c = CompletableFuture.supplyAsync(() -> {
      try {
        return RawWebSocket.connect(proxy.port(), "/bytes", s -> {
          try {
            s.setTcpNoDelay(true);
            clientSocket = s;
          } catch (SocketException e) {
            throw new IllegalStateException(e);
          }
        });
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    try (RawWebSocket server = upstream.accept(WAIT); RawWebSocket client = c.get(5, TimeUnit.SECONDS)) {
      byte[] toServer = stream(r, messages, true);
      writeInPieces(clientSocket.getOutputStream(), toServer, pieces, r);
      byte[] atServer = server.readRaw(toServer.length);
      assertEquals(toServer.length, atServer.length, "bytes that reached the server");
      assertArrayEquals(toServer, atServer, () -> "the server got other bytes than the client sent, first difference at "
          + Arrays.mismatch(toServer, atServer));

      byte[] toClient = stream(r, messages, false);
      for (int from = 0; from < toClient.length; ) { // the server's side in pieces too
        int n = Math.min(toClient.length - from, 1 + r.nextInt(Math.max(1, toClient.length / pieces)));
        server.sendRaw(Arrays.copyOfRange(toClient, from, from + n));
        from += n;
        if (pieces > 1) {
          sleepMillis(1);
        }
      }
      byte[] atClient = client.readRaw(toClient.length);
      assertArrayEquals(toClient, atClient, () -> "the client got other bytes than the server sent, first difference at "
          + Arrays.mismatch(toClient, atClient));
    }
    Waits.until(() -> proxy.liveLinks() == 0, WAIT, () -> "the link ends when both peers leave");
  }
}
