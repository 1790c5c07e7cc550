package io.wschaos.fault;

import io.wschaos.frame.Direction;
import java.util.Set;

/**
 * One kind of trouble the proxy can cause, with its validated parameters. A fault says what
 * happens; the proxy does it. It can act at three places, each optional:
 *
 * <ul>
 *   <li>on units as they pass, through a {@link FrameStage} per link and direction;
 *   <li>on a whole link when the fault starts or stops there ({@link #start}, {@link #stop});
 *   <li>on the listener: new connections and handshakes, through a {@link ListenerStage}.
 * </ul>
 *
 * Implementations are immutable; per-link state lives in the stages they create. The YAML name is
 * written once, in the catalogue ({@code BuiltinFaults}); {@link FaultSpec#name()} carries it.
 */
public interface Fault {
  /** The directions that get a {@link FrameStage}; empty when the fault does not act on units. */
  default Set<Direction> directions() {
    return Set.of();
  }

  /** A fresh stage for one link and direction in {@link #directions()}. */
  default FrameStage stage(Direction direction, FaultContext ctx) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " acts on no units");
  }

  /** Acts on {@code link} when the fault starts there (after its stages are in place). */
  default void start(LinkPort link, FaultContext ctx) {}

  /** The fault ends on {@code link} (its {@code for} ran out, or it was removed); stages are flushed first. */
  default void stop(LinkPort link, FaultContext ctx) {}

  /** True for faults that act once on a link and are then done (close, abort, inject). */
  default boolean oneShot() {
    return false;
  }

  /** A listener stage when the fault acts on connections and handshakes, else null. */
  default ListenerStage listener(FaultContext ctx) {
    return null;
  }
}
