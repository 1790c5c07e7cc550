package io.wschaos.fault.builtin;

import io.wschaos.spec.Durations;
import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.FrameSelector;
import io.wschaos.fault.FrameStage;
import io.wschaos.fault.TimedQueue;
import io.wschaos.spec.ParamException;
import io.wschaos.fault.StageOutput;
import io.wschaos.fault.Unit;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Opcode;
import java.time.Duration;
import java.util.Set;
import java.util.random.RandomGenerator;

/** Late messages, order kept: each selected unit leaves {@code by} (± jitter) after it arrived. */
public final class DelayFault implements Fault {
  public enum Distribution {
    UNIFORM,
    NORMAL
  }

  /**
   * @param to the direction delayed
   * @param by the added latency
   * @param jitter spread around {@code by}: ± jitter (uniform) or one standard deviation (normal)
   * @param frames which units are delayed (default data); closes always wait behind held units
   */
  public record Params(Direction to, Duration by, Duration jitter, Distribution distribution, FrameSelector frames) {
    public Params {
      ParamException.require(to != null, "to", "delay needs to: server or client");
      ParamException.require(by != null, "by", "delay needs by, e.g. 200ms");
      ParamException.require(!by.isNegative(), "by", "by cannot be negative");
      jitter = jitter == null ? Duration.ZERO : jitter;
      ParamException.require(!jitter.isNegative(), "jitter", "jitter cannot be negative");
      distribution = distribution == null ? Distribution.UNIFORM : distribution;
      frames = frames == null ? FrameSelector.DATA : frames;
    }
  }

  private final Params p;

  public DelayFault(Params p) {
    this.p = p;
  }

  public Params params() {
    return p;
  }

  @Override
  public Set<Direction> directions() {
    return Set.of(p.to());
  }

  @Override
  public FrameStage stage(Direction direction, FaultContext ctx) {
    return new Stage(ctx, direction);
  }

  /** Releases unit k at max(release of k−1, arrival + sample): one timer, for the queue's head. */
  private final class Stage implements FrameStage {
    private final FaultContext ctx;
    private final Direction direction;
    private final RandomGenerator random;
    private final TimedQueue queue;

    Stage(FaultContext ctx, Direction direction) {
      this.ctx = ctx;
      this.direction = direction;
      this.random = ctx.random(direction);
      this.queue = new TimedQueue(ctx, direction);
    }

    @Override
    public void onUnit(Unit unit, StageOutput next) {
      boolean selected = p.frames().selects(unit);
      if (!selected && (queue.isEmpty() || unit.opcode() != Opcode.CLOSE)) {
        next.emit(unit); // unselected pings and pongs are not held back
        return;
      }
      long now = ctx.scheduler().nowMicros();
      long release = queue.add(unit, selected ? now + sampleMicros() : now, next);
      if (selected) {
        ctx.record("delayed", direction, unit.id(), "until +" + (release - now) / 1000.0 + " ms");
      }
    }

    private long sampleMicros() {
      long by = Durations.micros(p.by());
      long j = Durations.micros(p.jitter());
      if (j == 0) {
        return by;
      }
      double offset =
          p.distribution() == Distribution.NORMAL ? random.nextGaussian() * j : (random.nextDouble() * 2 - 1) * j;
      return Math.max(0, Math.round(by + offset));
    }

    @Override
    public void flush(StageOutput next) {
      queue.flush(next);
    }

    @Override
    public void discard() {
      queue.discard();
    }
  }
}
