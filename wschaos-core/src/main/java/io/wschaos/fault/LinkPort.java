package io.wschaos.fault;

import io.wschaos.frame.Direction;
import io.wschaos.frame.Leg;

/**
 * What a fault may do to a whole link. The proxy implements it; faults say what, the proxy does it
 * on the link's event loop.
 */
public interface LinkPort {
  int id();

  /** The logical client (runner instance), 0 when unknown. */
  int client();

  boolean isOpen();

  /** Sends a close frame with {@code code} and {@code reason} to {@code leg}'s peer, recorded as by proxy. */
  void close(Leg leg, int code, String reason, String faultId);

  /** Kills {@code leg}'s TCP without a close frame: RST when {@code reset}, else FIN. */
  void abort(Leg leg, boolean reset, String faultId);

  /** Writes a unit the proxy made up (inject, duplicate) toward {@code direction}'s receiver, past every stage. */
  void inject(Direction direction, Unit unit);

  /** Nanoseconds since the last frame (or, with {@code dataOnly}, data message) was read on either leg. */
  long idleNanos(boolean dataOnly);
}
