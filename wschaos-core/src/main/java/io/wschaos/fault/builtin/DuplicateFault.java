package io.wschaos.fault.builtin;

import io.wschaos.spec.Durations;
import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.FrameStage;
import io.wschaos.fault.TimedQueue;
import io.wschaos.spec.ParamException;
import io.wschaos.fault.StageOutput;
import io.wschaos.fault.Unit;
import io.wschaos.frame.BytesFrame;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Frame;
import io.wschaos.frame.Opcode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The same message twice (or more): each selected data message is followed by {@code count} copies,
 * {@code gap} apart. With a gap the copies wait in a queue while later traffic flows past them, as a
 * retransmission would; a close waits behind the copies still due.
 */
public final class DuplicateFault implements Fault {
  /**
   * @param to the direction whose messages are duplicated
   * @param count extra copies of each message (default 1)
   * @param gap time between the message and its first copy, and between copies (default 0: back to back)
   */
  public record Params(Direction to, Integer count, Duration gap) {
    public Params {
      ParamException.require(to != null, "to", "duplicate needs to: server or client");
      count = count == null ? 1 : count;
      ParamException.require(count >= 1, "count", count + " is not a number of extra copies (≥ 1)");
      gap = gap == null ? Duration.ZERO : gap;
      ParamException.require(!gap.isNegative(), "gap", "gap cannot be negative");
    }
  }

  private final Params p;

  public DuplicateFault(Params p) {
    this.p = p;
  }

  @Override
  public Set<Direction> directions() {
    return Set.of(p.to());
  }

  @Override
  public FrameStage stage(Direction direction, FaultContext ctx) {
    return new Stage(ctx, direction);
  }

  /** A copy of {@code unit}'s frames: new frames, the same bytes, the same message id. */
  static Unit copyOf(Unit unit) {
    List<Frame> frames = new ArrayList<>(unit.frames().size());
    for (Frame f : unit.frames()) {
      frames.add(new BytesFrame(f.opcode(), f.fin(), f.payload()));
    }
    return new Unit(unit.direction(), frames, unit.id(), unit.ingressMicros());
  }

  /** Copies due later wait in arrival order; copy k of a message leaves at max(previous release, arrival + k·gap). */
  private final class Stage implements FrameStage {
    private final FaultContext ctx;
    private final Direction direction;
    private final TimedQueue copies;

    Stage(FaultContext ctx, Direction direction) {
      this.ctx = ctx;
      this.direction = direction;
      this.copies = new TimedQueue(ctx, direction);
    }

    @Override
    public void onUnit(Unit unit, StageOutput next) {
      if (unit.opcode() == Opcode.CLOSE) {
        copies.releaseUntil(Long.MAX_VALUE); // nothing may follow a close: the copies still due leave first
        next.emit(unit);
        return;
      }
      if (!unit.isData() || !ctx.chance(direction)) {
        next.emit(unit);
        return;
      }
      long gap = Durations.micros(p.gap());
      ctx.record("duplicated", direction, unit.id(), p.count() + (p.count() == 1 ? " copy" : " copies") + (gap == 0 ? "" : ", " + Durations.format(p.gap()) + " apart"));
      next.emit(unit);
      if (gap == 0) {
        for (int i = 0; i < p.count(); i++) {
          next.emit(copyOf(unit));
        }
        return;
      }
      long now = ctx.scheduler().nowMicros();
      for (int k = 1; k <= p.count(); k++) {
        copies.add(copyOf(unit), now + k * gap, next);
      }
    }

    @Override
    public void flush(StageOutput next) {
      copies.flush(next);
    }

    @Override
    public void discard() {
      copies.discard();
    }
  }
}
