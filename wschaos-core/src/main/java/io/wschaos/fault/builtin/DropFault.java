package io.wschaos.fault.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.FrameSelector;
import io.wschaos.fault.FrameStage;
import io.wschaos.spec.ParamException;
import io.wschaos.fault.StageOutput;
import io.wschaos.fault.Unit;
import io.wschaos.frame.Direction;
import io.wschaos.timeline.MessageMatcher;
import java.util.Set;

/**
 * Missing messages: loss in the application (a buggy server or broker), not in the network. Drops
 * selected units: the first N after the fault starts, up to {@code count}, or every one that matches.
 */
public final class DropFault implements Fault {
  /**
   * @param first drop the next N selected units, then pass everything
   * @param count drop at most N selected units in all (with a trigger's probability: N of the drawn ones)
   * @param match drop only data messages that match
   * @param frames which units are candidates (default data; {@code pong} starves heartbeat checks)
   */
  public record Params(Direction to, Integer first, Integer count, JsonNode match, FrameSelector frames) {
    public Params {
      ParamException.require(to != null, "to", "drop needs to: server or client");
      ParamException.require(first == null || first >= 1, "first", "first is a number of messages ≥ 1");
      ParamException.require(count == null || count >= 1, "count", "count is a number of messages ≥ 1");
      ParamException.require(first == null || count == null, "first", "give first or count, not both");
      frames = frames == null ? FrameSelector.DATA : frames;
    }
  }

  private final Params p;
  private final MessageMatcher matcher;

  public DropFault(Params p) {
    this.p = p;
    if (p.match() == null) {
      matcher = null;
    } else {
      StringBuilder problems = new StringBuilder();
      matcher = MessageMatcher.parse(p.match(), (k, m) -> problems.append(k.isEmpty() ? "" : k + ": ").append(m));
      if (matcher == null) {
        throw new ParamException("match", problems.toString());
      }
    }
  }

  @Override
  public Set<Direction> directions() {
    return Set.of(p.to());
  }

  @Override
  public FrameStage stage(Direction direction, FaultContext ctx) {
    return new FrameStage() {
      private int dropped;

      @Override
      public void onUnit(Unit unit, StageOutput next) {
        Integer limit = p.first() != null ? p.first() : p.count();
        boolean candidate =
            p.frames().selects(unit)
                && (limit == null || dropped < limit)
                && (matcher == null || unit.isText() && matcher.matchesText(unit.text()));
        if (candidate && ctx.chance(direction)) {
          dropped++;
          ctx.record("dropped", direction, unit.id(), null);
        } else {
          next.emit(unit);
        }
      }
    };
  }

}
