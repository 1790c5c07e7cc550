package io.wschaos.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The frame scanner on raw bytes: what it hands out is the input, frame by frame, and what it refuses Netty refused too. */
class FrameScannerTest {
  private static final UnpooledByteBufAllocator ALLOC = new UnpooledByteBufAllocator(false);
  private static final int MAX = 1 << 20;

  /** What the sink saw: frames as (opcode, fin, payload unmasked, wire bytes), or a violation. */
  static final class Seen implements FrameScanner.Sink {
    final List<Object[]> frames = new ArrayList<>();
    Integer code;
    String why;
    int frameCalls;

    @Override
    public void frame(int opcode, boolean fin, int headerLength, int payloadLength, ByteBuf wire) {
      frameCalls++;
      assertEquals(headerLength + payloadLength, wire.readableBytes(), "header + payload is the frame");
      frames.add(new Object[] {opcode, fin, WireFrames.payload(wire, headerLength), ByteBufUtil.getBytes(wire)});
      wire.release();
    }

    @Override
    public void violation(int code, String why) {
      this.code = code;
      this.why = why;
    }
  }

  /** A frame as a peer writes it; {@code mask} null means unmasked. */
  static byte[] frame(int b0, byte[] payload, byte[] mask) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(b0);
    int m = mask == null ? 0 : 0x80;
    int n = payload.length;
    if (n < 126) {
      out.write(m | n);
    } else if (n < 65536) {
      out.write(m | 126);
      out.write(n >> 8);
      out.write(n);
    } else {
      out.write(m | 127);
      for (int i = 7; i >= 0; i--) {
        out.write((int) ((long) n >> (8 * i)));
      }
    }
    if (mask != null) {
      out.writeBytes(mask);
      for (int i = 0; i < n; i++) {
        out.write(payload[i] ^ mask[i & 3]);
      }
    } else {
      out.writeBytes(payload);
    }
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  /** Feeds {@code stream} in pieces cut at {@code cuts}, checking that every input buffer is released. */
  static Seen scan(FrameScanner scanner, byte[] stream, int... cuts) {
    Seen seen = new Seen();
    List<ByteBuf> inputs = new ArrayList<>();
    int from = 0;
    for (int cut : cuts) {
      ByteBuf b = Unpooled.wrappedBuffer(Arrays.copyOfRange(stream, from, cut));
      inputs.add(b);
      scanner.feed(ALLOC, b, seen);
      from = cut;
    }
    ByteBuf last = Unpooled.wrappedBuffer(Arrays.copyOfRange(stream, from, stream.length));
    inputs.add(last);
    scanner.feed(ALLOC, last, seen);
    scanner.release();
    for (ByteBuf b : inputs) {
      assertEquals(0, b.refCnt(), "every read buffer is released once its frames are");
    }
    return seen;
  }

  static final byte[] KEY = {0x37, (byte) 0xfa, 0x21, 0x3d};

  /** One of each header form a client may send: 7-, 16- and 64-bit lengths, a ping between fragments. */
  static byte[][] clientFrames() {
    return new byte[][] {
      frame(0x81, "hello".getBytes(StandardCharsets.UTF_8), KEY), // text, 7-bit
      frame(0x82, new byte[0], KEY), // empty binary
      frame(0x82, bytes(125, 1), KEY), // the longest 7-bit length
      frame(0x02, bytes(126, 2), KEY), // binary, not fin, 16-bit: the shortest
      frame(0x89, "ping".getBytes(StandardCharsets.UTF_8), KEY), // a control frame between fragments
      frame(0x00, bytes(300, 3), KEY), // continuation, not fin
      frame(0x80, bytes(65535, 4), KEY), // last continuation, the longest 16-bit
      frame(0x88, new byte[] {0x03, (byte) 0xe8, 'o', 'k'}, KEY), // close 1000 "ok"
    };
  }

  @Test
  void everyHeaderFormCutAtEveryByteComesOutAsItWentIn() {
    byte[][] frames = clientFrames();
    byte[] stream = concat(frames);
    // Every cut among the first 700 bytes (all of the short frames and headers), and every cut
    // around each later header; a cut anywhere in a payload is the same case as any other.
    List<Integer> cuts = new ArrayList<>();
    for (int i = 1; i < 700; i++) {
      cuts.add(i);
    }
    int at = 0;
    for (byte[] f : frames) {
      for (int i = Math.max(1, at - 3); i < Math.min(stream.length, at + 18); i++) {
        cuts.add(i);
      }
      at += f.length;
    }
    for (int cut : cuts) {
      Seen seen = scan(new FrameScanner(true, MAX), stream, cut);
      assertNull(seen.why, () -> "cut at " + cut + ": " + seen.why);
      assertEquals(frames.length, seen.frames.size(), "cut at " + cut);
      for (int i = 0; i < frames.length; i++) {
        assertArrayEquals(frames[i], (byte[]) seen.frames.get(i)[3], "frame " + i + " byte for byte, cut at " + cut);
      }
    }
  }

  @Test
  void headersTellOpcodeFinAndTheUnmaskedPayload() {
    Seen seen = scan(new FrameScanner(true, MAX), concat(clientFrames()), 3, 10, 200);
    int[] opcodes = {1, 2, 2, 2, 9, 0, 0, 8};
    boolean[] fins = {true, true, true, false, true, false, true, true};
    for (int i = 0; i < opcodes.length; i++) {
      assertEquals(opcodes[i], seen.frames.get(i)[0], "opcode of frame " + i);
      assertEquals(fins[i], seen.frames.get(i)[1], "FIN of frame " + i);
    }
    assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), (byte[]) seen.frames.get(0)[2]);
    assertArrayEquals(bytes(300, 3), (byte[]) seen.frames.get(5)[2]);
  }

  @Test
  void aSixtyFourBitLengthCutInsideItsHeader() {
    byte[] big = frame(0x82, bytes(70_000, 5), null);
    for (int cut = 1; cut <= 12; cut++) {
      Seen seen = scan(new FrameScanner(false, MAX), concat(big, frame(0x8A, new byte[0], null)), cut, cut + 40_000);
      assertNull(seen.why);
      assertEquals(2, seen.frames.size());
      assertArrayEquals(big, (byte[]) seen.frames.get(0)[3], "cut at " + cut);
    }
  }

  @Test
  void aFrameInManySmallReads() {
    byte[] big = frame(0x82, bytes(100_000, 6), KEY);
    int[] cuts = new int[99];
    for (int i = 0; i < cuts.length; i++) {
      cuts[i] = (i + 1) * 1000 + (i % 7); // reads of about 1 KB, the leftover copied or composed
    }
    Seen seen = scan(new FrameScanner(true, MAX), big, cuts);
    assertEquals(1, seen.frames.size());
    assertArrayEquals(big, (byte[]) seen.frames.get(0)[3]);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      rsv1 set                      | C1 80                | 1002 | RSV != 0 and no extension negotiated, RSV:4
      rsv3 set                      | 91 80                | 1002 | RSV != 0 and no extension negotiated, RSV:1
      reserved data opcode 3        | 83 80                | 1002 | data frame using reserved opcode 3
      reserved control opcode B     | 8B 80                | 1002 | control frame using reserved opcode 11
      fragmented ping               | 09 80                | 1002 | fragmented control frame
      ping of 126 bytes             | 89 FE 00 7E          | 1002 | control frame with payload length > 125 octets
      close with one byte           | 88 81                | 1002 | received close control frame with payload len 1
      continuation first            | 80 80                | 1002 | received continuation data frame outside fragmented message
      text inside a message         | 01 80 00 00 00 00 81 80 | 1002 | received non-continuation data frame while inside fragmented message
      unmasked from a client        | 81 00                | 1002 | received a frame that is not masked as expected
      16-bit length of 125          | 82 FE 00 7D          | 1002 | invalid data frame length (not using minimal length encoding)
      64-bit length of 65535        | 82 FF 00 00 00 00 00 00 FF FF | 1002 | invalid data frame length (not using minimal length encoding)
      negative 64-bit length        | 82 FF 80 00 00 00 00 00 00 00 | 1002 | invalid data frame length (negative length)
      over --max-frame              | 82 FF 00 00 00 00 00 10 00 01 | 1009 | Max frame length of 1048576 has been exceeded.
      close code 1005               | 88 82 00 00 00 00 03 ED | 1002 | Invalid close frame getStatus code: 1005
      close reason not UTF-8        | 88 83 00 00 00 00 03 E8 FF | 1007 | Invalid close frame reason text. Invalid UTF-8 bytes
      """)
  void malformedHeadersGetNettysCodeAndNothingFollows(String name, String hex, int code, String why) {
    byte[] bad = ByteBufUtil.decodeHexDump(hex.replace(" ", ""));
    byte[] after = frame(0x81, "after".getBytes(StandardCharsets.UTF_8), KEY);
    for (int cut = 1; cut < bad.length; cut++) { // the same verdict however the header is split
      Seen seen = scan(new FrameScanner(true, MAX), concat(bad, after), cut);
      assertEquals(code, seen.code, name + ", cut at " + cut);
      assertEquals(why, seen.why, name);
      int before = hex.startsWith("01") ? 1 : 0; // the first fragment of "text inside a message" is fine
      assertEquals(before, seen.frameCalls, "nothing after the violation: " + name);
    }
  }

  @Test
  void nothingAfterACloseFrameIsRead() {
    byte[] close = frame(0x88, new byte[] {0x03, (byte) 0xe8}, KEY);
    byte[] after = concat(frame(0x81, "late".getBytes(StandardCharsets.UTF_8), KEY), new byte[] {(byte) 0xC1, 0x00});
    Seen seen = scan(new FrameScanner(true, MAX), concat(close, after), close.length + 3);
    assertEquals(1, seen.frames.size(), "the close frame only");
    assertNull(seen.why, "not even a malformed header after it counts");
  }

  @Test
  void aServerMaskingItsFramesBreaksTheProtocol() {
    Seen seen = scan(new FrameScanner(false, MAX), frame(0x81, new byte[] {'x'}, KEY));
    assertEquals(1002, seen.code);
    assertEquals("received a frame that is not masked as expected", seen.why);
  }

  @Test
  void aCloseCodeAboveTheRegisteredRangePassesAsNettysDid() {
    Seen seen = scan(new FrameScanner(false, MAX), frame(0x88, new byte[] {(byte) 0x9c, 0x40}, null)); // 40000
    assertNull(seen.why);
    assertEquals(1, seen.frames.size());
  }
}
