package io.wschaos.fault.builtin;

import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.FrameStage;
import io.wschaos.fault.TimedQueue;
import io.wschaos.spec.ParamException;
import io.wschaos.fault.StageOutput;
import io.wschaos.fault.Unit;
import io.wschaos.frame.Direction;
import java.util.Set;

/**
 * A slow link: units leave no faster than {@code bytes_per_second}, in order, control frames and
 * closes included (they queue like everything on a slow wire). A unit's release is
 * max(now, previous release) + size / rate; what waits counts against the link's holding bound.
 */
public final class ThrottleFault implements Fault {
  /** @param bytes_per_second payload bytes per second the direction carries (≥ 1) */
  public record Params(Direction to, Long bytes_per_second) {
    public Params {
      ParamException.require(to != null, "to", "throttle needs to: server or client");
      ParamException.require(bytes_per_second != null, "bytes_per_second", "throttle needs bytes_per_second, e.g. 20000");
      ParamException.require(bytes_per_second >= 1, "bytes_per_second", bytes_per_second + " is not a rate (bytes per second ≥ 1)");
    }
  }

  private final Params p;

  public ThrottleFault(Params p) {
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

  /** Release times never decrease, so order is kept; one timer, for the queue's head. */
  private final class Stage implements FrameStage {
    private final FaultContext ctx;
    private final Direction direction;
    private final TimedQueue queue;

    Stage(FaultContext ctx, Direction direction) {
      this.ctx = ctx;
      this.direction = direction;
      this.queue = new TimedQueue(ctx, direction);
    }

    @Override
    public void onUnit(Unit unit, StageOutput next) {
      long now = ctx.scheduler().nowMicros();
      long scaled = unit.size() * 1_000_000L;
      long transfer = scaled / p.bytes_per_second() + (scaled % p.bytes_per_second() == 0 ? 0 : 1);
      long release = Math.max(now, queue.lastRelease()) + transfer;
      if (release <= now && queue.isEmpty()) {
        next.emit(unit); // an empty frame on an idle link takes no time
        return;
      }
      if (unit.isData()) {
        ctx.record("throttled", direction, unit.id(), "until +" + (release - now) / 1000.0 + " ms");
      }
      queue.add(unit, release, next);
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
