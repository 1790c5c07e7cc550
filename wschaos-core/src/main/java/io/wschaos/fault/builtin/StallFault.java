package io.wschaos.fault.builtin;

import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.FrameStage;
import io.wschaos.fault.HoldQueue;
import io.wschaos.spec.ParamException;
import io.wschaos.fault.StageOutput;
import io.wschaos.fault.Unit;
import io.wschaos.frame.Direction;
import java.util.Set;

/**
 * A blip in the network: every unit toward {@code to} (data, pings, pongs and closes) is held while
 * the fault lasts and released in order when it ends. Nothing is lost: past {@code max_bytes} held,
 * the sending leg is paused until the stall ends.
 */
public final class StallFault implements Fault {
  /** What a link holds per direction before it pauses the source (DESIGN: 8 MiB per link and direction). */
  static final long LINK_BOUND_BYTES = 8L * 1024 * 1024;

  /** @param max_bytes bytes held before the source is paused (1 … 8 MiB, the default) */
  public record Params(Direction to, Long max_bytes) {
    public Params {
      ParamException.require(to != null, "to", "stall needs to: server or client");
      max_bytes = max_bytes == null ? LINK_BOUND_BYTES : max_bytes;
      ParamException.require(
          max_bytes >= 1 && max_bytes <= LINK_BOUND_BYTES,
          "max_bytes",
          max_bytes + " is not allowed: max_bytes is 1 to " + LINK_BOUND_BYTES + " bytes (the link's holding bound, 8 MiB)");
    }
  }

  private final Params p;

  public StallFault(Params p) {
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

  private final class Stage implements FrameStage {
    private final FaultContext ctx;
    private final Direction direction;
    private final HoldQueue<Void> queue;
    private long bytes;
    private boolean pressing;

    Stage(FaultContext ctx, Direction direction) {
      this.ctx = ctx;
      this.direction = direction;
      this.queue = new HoldQueue<>(ctx, direction);
    }

    @Override
    public void onUnit(Unit unit, StageOutput next) {
      ctx.record("stalled", direction, unit.id(), unit.opcode().wire());
      queue.add(unit, null);
      bytes += unit.size();
      if (bytes > p.max_bytes() && !pressing) {
        pressing = true;
        ctx.holdBack(direction, true); // past max_bytes the sender waits, nothing is dropped
      }
    }

    @Override
    public void flush(StageOutput next) {
      queue.drain(next::emit);
      released();
    }

    @Override
    public void discard() {
      queue.discard("discarded");
      released();
    }

    private void released() {
      bytes = 0;
      if (pressing) {
        pressing = false;
        ctx.holdBack(direction, false);
      }
    }
  }
}
