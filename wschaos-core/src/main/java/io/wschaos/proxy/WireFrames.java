package io.wschaos.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.wschaos.frame.Opcode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Reading payloads out of frames as they came off the wire, and writing frames the proxy makes. */
final class WireFrames {
  private WireFrames() {}

  /** The mask key of a wire frame, 0 when it is not masked (XOR with 0 changes nothing). */
  static int maskOf(ByteBuf wire, int headerLength) {
    return (wire.getByte(wire.readerIndex() + 1) & 0x80) != 0 ? wire.getInt(wire.readerIndex() + headerLength - 4) : 0;
  }

  /** {@code length} payload bytes from {@code at}, unmasked with {@code mask} (the key of the frame's first byte). */
  static byte[] payload(ByteBuf buf, int at, int length, int mask) {
    return payload(buf, at, length, mask, 0);
  }

  /** As {@link #payload(ByteBuf, int, int, int)}, where {@code at} is {@code offset} bytes into the payload. */
  static byte[] payload(ByteBuf buf, int at, int length, int mask, int offset) {
    byte[] out = new byte[length];
    buf.getBytes(at, out);
    if (mask != 0) {
      for (int i = 0; i < length; i++) {
        out[i] ^= (byte) (mask >>> (24 - 8 * ((i + offset) & 3)));
      }
    }
    return out;
  }

  /** The whole payload of a wire frame, unmasked. */
  static byte[] payload(ByteBuf wire, int headerLength) {
    return payload(wire, wire.readerIndex() + headerLength, wire.readableBytes() - headerLength, maskOf(wire, headerLength));
  }

  /** Whether {@code bytes} from {@code from} on are well-formed UTF-8. */
  static boolean isUtf8(byte[] bytes, int from) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, from, bytes.length - from));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /**
   * A frame the proxy writes: unmasked toward the client, masked with a fresh key toward the server
   * (RFC 6455 5.3: a client masks every frame, with a key the server cannot predict).
   */
  static ByteBuf encode(ByteBufAllocator alloc, Opcode opcode, boolean fin, byte[] payload, boolean mask) {
    int n = payload.length;
    int header = 2 + (n < 126 ? 0 : n < 65536 ? 2 : 8) + (mask ? 4 : 0);
    ByteBuf out = alloc.buffer(header + n);
    out.writeByte((fin ? 0x80 : 0) | opcode.code());
    int maskBit = mask ? 0x80 : 0;
    if (n < 126) {
      out.writeByte(maskBit | n);
    } else if (n < 65536) {
      out.writeByte(maskBit | 126).writeShort(n);
    } else {
      out.writeByte(maskBit | 127).writeLong(n);
    }
    if (!mask) {
      return out.writeBytes(payload);
    }
    int key = ThreadLocalRandom.current().nextInt();
    out.writeInt(key);
    for (int i = 0; i < n; i++) {
      out.writeByte(payload[i] ^ (key >>> (24 - 8 * (i & 3))));
    }
    return out;
  }

  /** A close frame with {@code code} and {@code reason}. */
  static ByteBuf close(ByteBufAllocator alloc, int code, String reason, boolean mask) {
    byte[] text = reason.getBytes(StandardCharsets.UTF_8);
    byte[] payload = ByteBuffer.allocate(2 + text.length).putShort((short) code).put(text).array();
    return encode(alloc, Opcode.CLOSE, true, payload, mask);
  }

  static Opcode opcode(int code) {
    return switch (code) {
      case 0x0 -> Opcode.CONTINUATION;
      case 0x1 -> Opcode.TEXT;
      case 0x2 -> Opcode.BINARY;
      case 0x8 -> Opcode.CLOSE;
      case 0x9 -> Opcode.PING;
      case 0xA -> Opcode.PONG;
      default -> throw new IllegalArgumentException("opcode " + code);
    };
  }
}
