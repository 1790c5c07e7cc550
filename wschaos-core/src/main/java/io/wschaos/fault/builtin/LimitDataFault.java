package io.wschaos.fault.builtin;

import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.FrameStage;
import io.wschaos.fault.LinkPort;
import io.wschaos.fault.StageOutput;
import io.wschaos.fault.Unit;
import io.wschaos.frame.Direction;
import io.wschaos.spec.ParamException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A connection cut after a data budget, like Toxiproxy's {@code limit_data}: data messages toward
 * {@code to} pass while their payload bytes, counted from when the fault started on the link, stay
 * within {@code bytes}; the message that would cross the budget is swallowed and the link ends
 * ({@code then}, default {@code abort fin}, so the client sees 1006). Reaching the budget exactly
 * ends the link after that message.
 */
public final class LimitDataFault implements Fault {
  /**
   * @param bytes the payload bytes that may pass (≥ 0)
   * @param then how the link ends: abort (= abort fin), abort fin, abort reset or close CODE
   */
  public record Params(Direction to, Long bytes, String then) {
    public Params {
      ParamException.require(to != null, "to", "limit_data needs to: server or client");
      ParamException.require(bytes != null && bytes >= 0, "bytes", "limit_data needs bytes, a number of payload bytes ≥ 0");
      then = LinkEnding.parse(then == null ? "abort fin" : then, "then", false).text();
    }
  }

  private final Params p;
  private final LinkEnding ending;
  /** The links the fault is on, by link number (a stage reaches its link through it). */
  private final Map<Integer, LinkPort> links = new ConcurrentHashMap<>();

  public LimitDataFault(Params p) {
    this.p = p;
    this.ending = LinkEnding.parse(p.then(), "then", false);
  }

  @Override
  public Set<Direction> directions() {
    return Set.of(p.to());
  }

  @Override
  public void start(LinkPort link, FaultContext ctx) {
    links.put(link.id(), link);
    if (p.bytes() == 0) {
      end(ctx, 0, "a budget of 0 bytes");
    }
  }

  @Override
  public void stop(LinkPort link, FaultContext ctx) {
    links.remove(link.id());
  }

  private void end(FaultContext ctx, long messageId, String why) {
    ctx.record("limit_reached", p.to(), messageId, why + "; " + ending.text());
    ctx.scheduler().schedule(0, () -> {
      LinkPort link = links.remove(ctx.link());
      if (link != null && link.isOpen()) {
        ending.apply(link, ctx.faultId(), "data limit reached");
      }
    });
  }

  @Override
  public FrameStage stage(Direction direction, FaultContext ctx) {
    return new FrameStage() {
      private long passed;
      private boolean ended = p.bytes() == 0;

      @Override
      public void onUnit(Unit unit, StageOutput next) {
        if (ended) {
          if (unit.isData()) {
            ctx.record("swallowed", direction, unit.id(), "past the data limit");
            return;
          }
          next.emit(unit);
          return;
        }
        if (!unit.isData()) {
          next.emit(unit);
          return;
        }
        if (passed + unit.size() > p.bytes()) {
          ended = true;
          ctx.record("swallowed", direction, unit.id(), unit.size() + " bytes would cross the limit of " + p.bytes());
          end(ctx, unit.id(), passed + " of " + p.bytes() + " bytes passed");
          return;
        }
        passed += unit.size();
        next.emit(unit);
        if (passed == p.bytes()) {
          ended = true;
          end(ctx, unit.id(), p.bytes() + " bytes passed");
        }
      }
    };
  }
}
