package io.wschaos.pipeline;

import io.wschaos.fault.FrameStage;
import io.wschaos.fault.StageOutput;
import io.wschaos.fault.Unit;
import io.wschaos.frame.Direction;
import java.util.ArrayList;
import java.util.List;

/**
 * The chain of fault stages that units of one direction of one link pass through, ordered by the
 * faults' declaration order (taps that watch for message triggers come first). input → stage → …
 * → egress. The chain is an immutable list swapped atomically: reading it costs one volatile read,
 * and an empty chain lets the transport skip the pipeline entirely.
 *
 * <p>Units, stage calls and chain changes all happen on the link's event loop; only
 * {@link #isPassThrough()} is read elsewhere.
 */
public final class DirectionPipeline {
  /** A stage in the chain, with the fault it belongs to and its place in declaration order. */
  private record Slot(String faultId, int order, FrameStage stage) {}

  private final Direction direction;
  private final StageOutput egress;
  private final Runnable onRemove;
  private volatile List<Slot> chain = List.of();

  public DirectionPipeline(Direction direction, StageOutput egress) {
    this(direction, egress, () -> {});
  }

  /** @param onRemove told after a fault left the chain (the link may act on what it held back) */
  public DirectionPipeline(Direction direction, StageOutput egress, Runnable onRemove) {
    this.direction = direction;
    this.egress = egress;
    this.onRemove = onRemove;
  }

  public Direction direction() {
    return direction;
  }

  /** True when no stage is installed: frames go straight to the egress leg. */
  public boolean isPassThrough() {
    return chain.isEmpty();
  }

  /** Inserts {@code stage} of fault {@code faultId} at its place in declaration {@code order}. */
  public void add(String faultId, int order, FrameStage stage) {
    List<Slot> next = new ArrayList<>(chain);
    int i = 0;
    while (i < next.size() && next.get(i).order() <= order) {
      i++;
    }
    next.add(i, new Slot(faultId, order, stage));
    chain = List.copyOf(next);
  }

  /** Removes the stages of {@code faultId}; what they hold leaves first, in order, to the rest of the chain. */
  public boolean remove(String faultId) {
    boolean removed = false;
    for (Slot s : chain) {
      if (s.faultId().equals(faultId)) {
        s.stage().flush(u -> emitAfter(s.stage(), u));
        List<Slot> next = new ArrayList<>(chain);
        next.remove(s);
        chain = List.copyOf(next);
        removed = true;
      }
    }
    if (removed) {
      onRemove.run();
    }
    return removed;
  }

  public boolean has(String faultId) {
    for (Slot s : chain) {
      if (s.faultId().equals(faultId)) {
        return true;
      }
    }
    return false;
  }

  /** The link died: every stage drops what it holds, and the chain empties. */
  public void discardAll() {
    List<Slot> old = chain;
    chain = List.of();
    for (Slot s : old) {
      s.stage().discard();
    }
  }

  /** True while a stage (a blackhole) keeps the other leg's close or abort from this direction's receiver. */
  public boolean holdsLinkEnd() {
    for (Slot s : chain) {
      if (s.stage().holdsLinkEnd()) {
        return true;
      }
    }
    return false;
  }

  /** Runs {@code unit} through the chain as it is now. */
  public void push(Unit unit) {
    emitFrom(0, unit);
  }

  /** Continues {@code unit} after {@code stage}; a stage no longer in the chain hands to egress. */
  void emitAfter(FrameStage stage, Unit unit) {
    List<Slot> c = chain;
    for (int i = 0; i < c.size(); i++) {
      if (c.get(i).stage() == stage) {
        emitFrom(i + 1, unit);
        return;
      }
    }
    egress.emit(unit);
  }

  private void emitFrom(int index, Unit unit) {
    List<Slot> c = chain;
    if (index >= c.size()) {
      egress.emit(unit);
      return;
    }
    FrameStage stage = c.get(index).stage();
    stage.onUnit(unit, u -> emitAfter(stage, u));
  }
}
