package io.wschaos.toxiproxy;

import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.FrameStage;
import io.wschaos.fault.LinkPort;
import io.wschaos.fault.ListenerStage;
import io.wschaos.frame.Direction;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A toxic's {@code toxicity} below 1, as Toxiproxy means it: each link draws once (from the fault's
 * seeded random stream of that link) whether the toxic acts on it at all; a spared link passes
 * through untouched and the timeline says it was spared. Wraps the fault the toxic maps to.
 */
final class Toxicity implements Fault {
  private final Fault inner;
  private final double toxicity;
  private final Direction direction;
  /** Each link's draw, by link number. */
  private final Map<Integer, Boolean> draws = new ConcurrentHashMap<>();

  Toxicity(Fault inner, double toxicity, Direction direction) {
    this.inner = inner;
    this.toxicity = toxicity;
    this.direction = direction;
  }

  private boolean acts(FaultContext ctx) {
    return draws.computeIfAbsent(ctx.link(), link -> {
      boolean acts = ctx.random(direction).nextDouble() < toxicity;
      if (!acts) {
        ctx.record("spared", direction, 0, "toxicity " + toxicity + ": the toxic skips this link");
      }
      return acts;
    });
  }

  @Override
  public Set<Direction> directions() {
    return inner.directions();
  }

  @Override
  public FrameStage stage(Direction d, FaultContext ctx) {
    FrameStage stage = inner.stage(d, ctx);
    return new FrameStage() {
      @Override
      public void onUnit(io.wschaos.fault.Unit unit, io.wschaos.fault.StageOutput next) {
        if (acts(ctx)) {
          stage.onUnit(unit, next);
        } else {
          next.emit(unit);
        }
      }

      @Override
      public void flush(io.wschaos.fault.StageOutput next) {
        stage.flush(next);
      }

      @Override
      public void discard() {
        stage.discard();
      }

      @Override
      public boolean holdsLinkEnd() {
        return draws.getOrDefault(ctx.link(), Boolean.TRUE) && stage.holdsLinkEnd();
      }
    };
  }

  @Override
  public void start(LinkPort link, FaultContext ctx) {
    if (acts(ctx)) {
      inner.start(link, ctx);
    }
  }

  @Override
  public void stop(LinkPort link, FaultContext ctx) {
    Boolean acted = draws.remove(ctx.link());
    if (acted == null || acted) {
      inner.stop(link, ctx);
    }
  }

  @Override
  public boolean oneShot() {
    return inner.oneShot();
  }

  @Override
  public ListenerStage listener(FaultContext ctx) {
    return inner.listener(ctx); // handshake faults have no link to draw for: toxicity is all or nothing there
  }
}
