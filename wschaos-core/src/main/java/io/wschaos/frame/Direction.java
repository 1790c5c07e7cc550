package io.wschaos.frame;

/** Which way a frame travels through a link. */
public enum Direction {
  TO_SERVER("server"),
  TO_CLIENT("client");

  private final String wire;

  Direction(String wire) {
    this.wire = wire;
  }

  /** The name used in scenario files and on the timeline: {@code to: server}. */
  public String wire() {
    return wire;
  }

  public Direction opposite() {
    return this == TO_SERVER ? TO_CLIENT : TO_SERVER;
  }

  public static Direction fromWire(String name) {
    for (Direction d : values()) {
      if (d.wire.equals(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown direction '" + name + "' (server or client)");
  }
}
