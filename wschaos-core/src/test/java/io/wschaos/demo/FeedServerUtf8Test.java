package io.wschaos.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.wschaos.testsupport.RawWebSocket;
import io.wschaos.testsupport.RawWebSocket.RawFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * RFC 6455 §8.1: a text message that is not valid UTF-8 fails the connection with 1007, whether the
 * bad bytes sit in one frame or straddle fragments; a valid character split across fragments is
 * fine. docs/faults.md's {@code corrupt: invalid_utf8} relies on conforming peers like this one.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FeedServerUtf8Test {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static Vertx vertx;
  private static FeedServer feed;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    feed = FeedServer.start(vertx, FeedServer.Options.defaults().withPort(0).withRate(0)).await();
  }

  @AfterAll
  static void stop() {
    feed.close().await();
    vertx.close().await();
  }

  private static void assertFailsWith1007(RawWebSocket ws) throws Exception {
    RawFrame close = null;
    for (int i = 0; i < 10 && close == null; i++) {
      RawFrame f = ws.readFrame(WAIT);
      if (f.opcode() == RawWebSocket.CLOSE) {
        close = f;
      }
    }
    assertTrue(close != null, "a close frame came");
    assertEquals(1007, close.closeCode(), "invalid UTF-8 is 1007: " + close);
    ws.sendClose(1007, "");
    RawWebSocket.End end = ws.awaitEnd(WAIT);
    assertTrue(end != null, "the server closed the TCP connection");
  }

  @Test
  void invalidUtf8InOneTextFrameFailsTheLinkWith1007() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(feed.port(), "/feed")) {
      ws.send(RawWebSocket.TEXT, true, new byte[] {'{', (byte) 0xC3, 0x28, '}'});
      assertFailsWith1007(ws);
    }
  }

  @Test
  void aSequenceBrokenAcrossFragmentsFailsWith1007() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(feed.port(), "/feed")) {
      ws.send(RawWebSocket.TEXT, false, new byte[] {'a', (byte) 0xE2, (byte) 0x82}); // € begins...
      ws.send(RawWebSocket.CONTINUATION, true, new byte[] {0x28, 'b'}); // ...and does not go on
      assertFailsWith1007(ws);
    }
  }

  @Test
  void aValidCharacterSplitAcrossFragmentsIsEchoed() throws Exception {
    byte[] euro = "x€y".getBytes(StandardCharsets.UTF_8); // x E2 82 AC y
    try (RawWebSocket ws = RawWebSocket.connect(feed.port(), "/feed")) {
      ws.send(RawWebSocket.TEXT, false, java.util.Arrays.copyOfRange(euro, 0, 2));
      ws.send(RawWebSocket.CONTINUATION, true, java.util.Arrays.copyOfRange(euro, 2, euro.length));
      RawFrame echo = ws.readFrame(WAIT);
      assertEquals(RawWebSocket.TEXT, echo.opcode(), echo.toString());
      assertEquals("x€y", echo.text(), "the feed echoes what it does not know");
    }
  }
}
