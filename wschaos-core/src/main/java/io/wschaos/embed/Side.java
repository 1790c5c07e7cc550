package io.wschaos.embed;

/** Which side of a link a fault acts toward: {@code to: client}, {@code to: server} or {@code to: both}. */
public enum Side {
  CLIENT("client"),
  SERVER("server"),
  BOTH("both");

  private final String wire;

  Side(String wire) {
    this.wire = wire;
  }

  /** The scenario schema's word: {@code client}, {@code server}, {@code both}. */
  public String wire() {
    return wire;
  }
}
