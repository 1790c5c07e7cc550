package io.wschaos.frame;

/** WebSocket opcodes (RFC 6455 section 5.2). */
public enum Opcode {
  CONTINUATION(0x0, "continuation"),
  TEXT(0x1, "text"),
  BINARY(0x2, "binary"),
  CLOSE(0x8, "close"),
  PING(0x9, "ping"),
  PONG(0xA, "pong");

  private final int code;
  private final String wire;

  Opcode(int code, String wire) {
    this.code = code;
    this.wire = wire;
  }

  public int code() {
    return code;
  }

  public String wire() {
    return wire;
  }

  public boolean isControl() {
    return code >= 0x8;
  }

  public static Opcode fromWire(String name) {
    for (Opcode o : values()) {
      if (o.wire.equals(name)) {
        return o;
      }
    }
    throw new IllegalArgumentException("unknown opcode '" + name + "'");
  }
}
