package io.wschaos.fault;

import io.wschaos.frame.Direction;
import java.util.random.RandomGenerator;

/**
 * What a fault instance gets on one link: time, its own random stream, a way to say on the
 * timeline what it did, and backpressure for what it holds.
 */
public interface FaultContext {
  /** The fault's id (f1, outage, restart.2…). */
  String faultId();

  String faultName();

  /** The link number, 0 for faults acting on the listener (handshakes). */
  int link();

  Scheduler scheduler();

  /**
   * The random stream of (seed, fault id, client, link, direction): the same seed and the same
   * traffic give the same decisions.
   */
  RandomGenerator random(Direction direction);

  /**
   * The trigger's {@code probability} drawn for one candidate unit from the direction's stream:
   * true when the fault acts on it (always true without a probability).
   */
  boolean chance(Direction direction);

  /** Records a {@code fault} event: what the fault did ({@code action}) to which message. */
  void record(String action, Direction direction, long messageId, String detail);

  /**
   * Holds the sending leg of {@code direction} back (it stops reading) while {@code on}, whatever
   * the byte count: a stall with a small {@code max_bytes} presses before the link's own bound.
   */
  void holdBack(Direction direction, boolean on);

  /** Adds {@code delta} bytes to what this link holds in {@code direction}; above the bound the source pauses. */
  void held(Direction direction, long delta);

  /** The server process to restart, or null when wschaos did not start it (proxy mode). */
  default ServerControl serverControl() {
    return null;
  }
}
