package io.wschaos.frame;

import java.nio.charset.StandardCharsets;

/** A frame the proxy made up (an injected, duplicated, corrupted or re-fragmented one). */
public record BytesFrame(Opcode opcode, boolean fin, byte[] bytes) implements Frame {
  public static BytesFrame text(String text) {
    return new BytesFrame(Opcode.TEXT, true, text.getBytes(StandardCharsets.UTF_8));
  }

  public static BytesFrame binary(byte[] bytes) {
    return new BytesFrame(Opcode.BINARY, true, bytes);
  }

  @Override
  public int size() {
    return bytes.length;
  }

  @Override
  public byte[] payload() {
    return bytes.clone();
  }
}
