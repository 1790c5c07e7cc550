package io.wschaos.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.wschaos.frame.CloseStatus;

/**
 * Finds WebSocket frames in one leg's byte stream without decoding them: it reads each frame's
 * header, checks it the way Netty's decoder did (same errors, same close codes), and hands the
 * frame's original bytes, header and mask included, to a {@link Sink} as a retained slice. Input
 * may be split anywhere; an incomplete frame waits for the next read. Payloads are never copied or
 * unmasked here.
 *
 * <p>Not thread-safe: one scanner per leg, used on that leg's event loop.
 */
final class FrameScanner {
  /** Where scanned frames go. The sink owns {@code wire} and must release it. */
  interface Sink {
    /**
     * One whole frame: {@code wire} is header plus payload as received; the payload starts at
     * {@code headerLength} and is masked when the header says so.
     */
    void frame(int opcode, boolean fin, int headerLength, int payloadLength, ByteBuf wire);

    /** The peer broke the protocol: {@code code} (1002, 1007 or 1009) is what it gets. Nothing follows. */
    void violation(int code, String why);
  }

  /** A leftover this small is copied out, so an idle leg does not pin a whole read buffer. */
  private static final int COPY_LEFTOVER_BELOW = 1024;

  private final boolean expectMasked;
  private final long maxPayload;
  private ByteBuf pending;
  private boolean inMessage;
  /** A violation or a close frame was seen: the rest of the stream is dropped. */
  private boolean failed;

  /**
   * @param expectMasked true on the client leg (clients must mask), false on the server leg
   * @param maxPayload the largest payload accepted ({@code --max-frame}); larger gets 1009
   */
  FrameScanner(boolean expectMasked, long maxPayload) {
    this.expectMasked = expectMasked;
    this.maxPayload = maxPayload;
  }

  /** Scans {@code in} (taking ownership of it) after what earlier reads left over. */
  void feed(ByteBufAllocator alloc, ByteBuf in, Sink sink) {
    if (failed) {
      in.release();
      return;
    }
    ByteBuf buf;
    if (pending == null) {
      buf = in;
    } else if (pending instanceof CompositeByteBuf c) {
      c.addComponent(true, in);
      buf = c;
    } else {
      CompositeByteBuf c = alloc.compositeBuffer(Integer.MAX_VALUE);
      c.addComponent(true, pending);
      c.addComponent(true, in);
      buf = c;
    }
    pending = null;
    try {
      scan(buf, sink);
    } finally {
      keepLeftover(alloc, buf);
    }
  }

  private void scan(ByteBuf buf, Sink sink) {
    while (!failed) {
      int start = buf.readerIndex();
      int available = buf.writerIndex() - start;
      if (available < 2) {
        if (available == 1) {
          check(firstByteProblem(buf.getByte(start)), sink);
        }
        return;
      }
      int b0 = buf.getByte(start);
      int b1 = buf.getByte(start + 1);
      String problem = firstByteProblem(b0);
      if (problem == null) {
        problem = secondByteProblem(b0, b1);
      }
      if (check(problem, sink)) {
        return;
      }
      int opcode = b0 & 0x0F;
      boolean fin = (b0 & 0x80) != 0;
      boolean masked = (b1 & 0x80) != 0;
      int len1 = b1 & 0x7F;
      int header = 2;
      long length = len1;
      if (len1 == 126) {
        if (available < 4) {
          return;
        }
        length = buf.getUnsignedShort(start + 2);
        header = 4;
        if (length < 126) {
          check("invalid data frame length (not using minimal length encoding)", sink);
          return;
        }
      } else if (len1 == 127) {
        if (available < 10) {
          return;
        }
        length = buf.getLong(start + 2);
        header = 10;
        if (length < 0) {
          check("invalid data frame length (negative length)", sink);
          return;
        } else if (length < 65536) {
          check("invalid data frame length (not using minimal length encoding)", sink);
          return;
        }
      }
      if (length > maxPayload) {
        failed = true;
        sink.violation(CloseStatus.MESSAGE_TOO_BIG, "Max frame length of " + maxPayload + " has been exceeded.");
        return;
      }
      if (masked) {
        header += 4;
      }
      long total = header + length;
      if (available < total) {
        return;
      }
      int payload = (int) length;
      if (opcode == 0x8) {
        String bad = closeBodyProblem(buf, start + header, payload, masked);
        if (bad != null) {
          failed = true;
          sink.violation(bad.startsWith("Invalid close frame reason") ? CloseStatus.INVALID_PAYLOAD : CloseStatus.PROTOCOL_ERROR, bad);
          return;
        }
      }
      if (opcode < 0x8) {
        inMessage = !fin;
      }
      ByteBuf wire = buf.retainedSlice(start, (int) total);
      buf.readerIndex(start + (int) total);
      if (opcode == 0x8) {
        failed = true; // nothing after a close frame is read, as Netty's decoder skipped it
      }
      sink.frame(opcode, fin, header, payload, wire);
    }
  }

  /** True (and the sink told) when {@code problem} is one. */
  private boolean check(String problem, Sink sink) {
    if (problem == null) {
      return false;
    }
    failed = true;
    sink.violation(CloseStatus.PROTOCOL_ERROR, problem);
    return true;
  }

  private static String firstByteProblem(int b0) {
    int rsv = (b0 >> 4) & 0x07;
    return rsv != 0 ? "RSV != 0 and no extension negotiated, RSV:" + rsv : null;
  }

  private String secondByteProblem(int b0, int b1) {
    boolean fin = (b0 & 0x80) != 0;
    int opcode = b0 & 0x0F;
    boolean masked = (b1 & 0x80) != 0;
    int len1 = b1 & 0x7F;
    if (masked != expectMasked) {
      return "received a frame that is not masked as expected";
    }
    if (opcode > 0x7) {
      if (!fin) {
        return "fragmented control frame";
      } else if (len1 > 125) {
        return "control frame with payload length > 125 octets";
      } else if (opcode != 0x8 && opcode != 0x9 && opcode != 0xA) {
        return "control frame using reserved opcode " + opcode;
      } else if (opcode == 0x8 && len1 == 1) {
        return "received close control frame with payload len 1";
      }
      return null;
    }
    if (opcode != 0x0 && opcode != 0x1 && opcode != 0x2) {
      return "data frame using reserved opcode " + opcode;
    } else if (!inMessage && opcode == 0x0) {
      return "received continuation data frame outside fragmented message";
    } else if (inMessage && opcode != 0x0) {
      return "received non-continuation data frame while inside fragmented message";
    }
    return null;
  }

  /** What Netty's decoder checks in a close frame: a valid status code and a UTF-8 reason. */
  private static String closeBodyProblem(ByteBuf buf, int at, int length, boolean masked) {
    if (length < 2) {
      return null;
    }
    int mask = masked ? buf.getInt(at - 4) : 0;
    short code = (short) (((buf.getByte(at) ^ (mask >>> 24)) & 0xFF) << 8 | ((buf.getByte(at + 1) ^ (mask >>> 16)) & 0xFF));
    if (!validOnWire(code)) {
      return "Invalid close frame getStatus code: " + code;
    }
    if (length > 2 && !WireFrames.isUtf8(WireFrames.payload(buf, at, length, mask), 2)) {
      return "Invalid close frame reason text. Invalid UTF-8 bytes";
    }
    return null;
  }

  /** Netty's rule ({@code WebSocketCloseStatus.isValidStatusCode}), read as a signed short as it does. */
  private static boolean validOnWire(short code) {
    return code < 0 || code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000;
  }

  private void keepLeftover(ByteBufAllocator alloc, ByteBuf buf) {
    int left = buf.readableBytes();
    if (left == 0 || failed) {
      buf.release();
    } else if (left < COPY_LEFTOVER_BELOW) {
      pending = alloc.buffer(left).writeBytes(buf);
      buf.release();
    } else if (buf instanceof CompositeByteBuf c) {
      // A fresh composite of what is left: frames already handed out are slices of the old one,
      // which must not change under them (discardReadComponents would shift their indexes).
      CompositeByteBuf rest = alloc.compositeBuffer(Integer.MAX_VALUE);
      for (ByteBuf part : c.decompose(c.readerIndex(), left)) {
        rest.addComponent(true, part.retain());
      }
      c.release();
      pending = rest;
    } else {
      pending = buf; // most of it is the frame still coming in
    }
  }

  /** Whether a data message is open (its first frame seen, not its last). */
  boolean inMessage() {
    return inMessage;
  }

  /** Frees what is buffered; the leg is gone. */
  void release() {
    if (pending != null) {
      pending.release();
      pending = null;
    }
    failed = true;
  }
}
