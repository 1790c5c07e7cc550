package io.wschaos.fault;

/**
 * The per-link, per-direction part of a fault that acts on units as they pass.
 *
 * <p>Contract (after toxiproxy's): every unit a stage receives goes on to {@code next}, in order,
 * unless the fault's whole point is to drop or hold it; a stage never blocks and never sleeps —
 * it schedules through its {@link FaultContext}. Everything runs on the link's event loop.
 */
public interface FrameStage {
  void onUnit(Unit unit, StageOutput next);

  /** The fault is being removed: release what is held, in order. */
  default void flush(StageOutput next) {}

  /** The link died: drop what is held (it cannot be delivered) and say so on the timeline. */
  default void discard() {}

  /** While true, the proxy lets no close or abort from the other leg reach this direction's receiver. */
  default boolean holdsLinkEnd() {
    return false;
  }
}
