package io.wschaos.frame;

/** One of the two sockets of a link: the client's, or the proxy's upstream socket to the server. */
public enum Leg {
  CLIENT("client"),
  SERVER("server");

  private final String wire;

  Leg(String wire) {
    this.wire = wire;
  }

  public String wire() {
    return wire;
  }

  public Leg other() {
    return this == CLIENT ? SERVER : CLIENT;
  }

  /** The leg a frame travelling in {@code d} is written to. */
  public static Leg egressOf(Direction d) {
    return d == Direction.TO_SERVER ? SERVER : CLIENT;
  }

  /** The leg a frame travelling in {@code d} is read from. */
  public static Leg ingressOf(Direction d) {
    return d == Direction.TO_SERVER ? CLIENT : SERVER;
  }
}
