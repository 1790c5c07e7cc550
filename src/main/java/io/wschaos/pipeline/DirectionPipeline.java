package io.wschaos.pipeline;

import io.wschaos.frame.Direction;
import io.wschaos.frame.Frame;
import java.util.ArrayList;
import java.util.List;

/**
 * The chain of stages that frames of one direction of one link pass through, in declaration order.
 * The chain is an immutable list swapped atomically, so stages can be added and removed live while
 * frames flow; an empty chain lets the transport skip the pipeline entirely.
 */
public final class DirectionPipeline {
  private final Direction direction;
  private volatile List<Stage> chain = List.of();

  public DirectionPipeline(Direction direction) {
    this.direction = direction;
  }

  public Direction direction() {
    return direction;
  }

  /** True when no stage is installed: frames go straight to the egress leg. */
  public boolean isPassThrough() {
    return chain.isEmpty();
  }

  public synchronized void add(Stage stage) {
    List<Stage> next = new ArrayList<>(chain);
    next.add(stage);
    chain = List.copyOf(next);
  }

  public synchronized boolean remove(Stage stage) {
    List<Stage> next = new ArrayList<>(chain);
    boolean removed = next.remove(stage);
    chain = List.copyOf(next);
    return removed;
  }

  /** Runs {@code frame} through the chain as it is now; the last stage emits to {@code egress}. */
  public void push(Frame frame, FrameOutput egress) {
    List<Stage> snapshot = chain;
    at(snapshot, 0, egress).emit(frame);
  }

  private static FrameOutput at(List<Stage> stages, int index, FrameOutput egress) {
    if (index == stages.size()) {
      return egress;
    }
    Stage stage = stages.get(index);
    FrameOutput rest = at(stages, index + 1, egress);
    return f -> stage.onFrame(f, rest);
  }
}
