package io.wschaos.pipeline;

import io.wschaos.fault.LinkPort;
import io.wschaos.fault.Scheduler;
import io.wschaos.frame.Direction;

/** What the fault engine needs of a live link, besides what faults may do to it ({@link LinkPort}). */
public interface LinkHandle extends LinkPort {
  /** This link is the client's Nth (from 1), for per-client counting and random streams. */
  int ordinal();

  DirectionPipeline pipeline(Direction direction);

  /** The link's event loop as a scheduler on the scenario clock. */
  Scheduler scheduler();

  /** Runs {@code task} on the link's event loop (at once when already there). */
  void execute(Runnable task);

  /** A fault touched message {@code id} going {@code direction}: its egress will be recorded. */
  default void touched(Direction direction, long id) {}

  /** Pauses (on) or releases (off) {@code direction}'s source on a fault's request; claims are counted. */
  void holdBack(Direction direction, boolean on);

  /** Adds to the bytes held by stages in {@code direction}; the link pauses its source above the bound. */
  void held(Direction direction, long delta);

  /**
   * True once the link is over on both legs. A link can be neither open nor ended: one leg died and
   * a blackhole keeps the other from hearing of it; a fault that ends there still acts on it.
   */
  default boolean ended() {
    return !isOpen();
  }
}
