package io.wschaos.fault.builtin;

import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.FrameStage;
import io.wschaos.fault.LinkPort;
import io.wschaos.fault.StageOutput;
import io.wschaos.fault.Target;
import io.wschaos.fault.Unit;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Opcode;
import java.util.EnumSet;
import java.util.Set;

/**
 * A half-open connection: nothing arrives, nothing closes. Each blackholed direction swallows every
 * unit (data, and pings and pongs unless {@code control: pass}; close frames always) and records it;
 * no close or abort from the other leg gets through while it lasts. The proxy keeps reading both
 * legs. When the fault ends, {@code then} ends the link: abort both legs (FIN or RST), close CODE to
 * the client (1001 to the server), or resume (flagged: a real network does not lose what it carried).
 */
public final class BlackholeFault implements Fault {
  public enum Control {
    SWALLOW,
    PASS
  }

  /**
   * @param to the direction(s) blackholed: client, server or both (default)
   * @param control swallow (default) or pass pings and pongs
   * @param then abort (= abort fin, the default), abort fin, abort reset, close CODE or resume
   */
  public record Params(Target to, Control control, String then) {
    public Params {
      to = to == null ? Target.BOTH : to;
      control = control == null ? Control.SWALLOW : control;
      then = LinkEnding.parse(then == null ? "abort" : then, "then", true).text();
    }

    LinkEnding ending() {
      return LinkEnding.parse(then, "then", true);
    }
  }

  private final Params p;
  private final LinkEnding then;

  public BlackholeFault(Params p) {
    this.p = p;
    this.then = p.ending();
  }

  @Override
  public Set<Direction> directions() {
    return switch (p.to()) {
      case CLIENT -> EnumSet.of(Direction.TO_CLIENT);
      case SERVER -> EnumSet.of(Direction.TO_SERVER);
      case BOTH -> EnumSet.of(Direction.TO_SERVER, Direction.TO_CLIENT);
    };
  }

  @Override
  public FrameStage stage(Direction direction, FaultContext ctx) {
    return new FrameStage() {
      @Override
      public void onUnit(Unit unit, StageOutput next) {
        Opcode op = unit.opcode();
        if (p.control() == Control.PASS && (op == Opcode.PING || op == Opcode.PONG)) {
          next.emit(unit);
          return;
        }
        ctx.record("swallowed", direction, unit.id(), unit.isData() ? null : op.wire());
      }

      @Override
      public boolean holdsLinkEnd() {
        return true;
      }
      // flush: nothing to release, everything was swallowed
    };
  }

  @Override
  public void stop(LinkPort link, FaultContext ctx) {
    if (then.kind() == LinkEnding.Kind.RESUME) {
      ctx.record("resumed", null, 0, "flagged: what the blackhole swallowed is lost on a connection that stays open, which no real network does");
    } else {
      then.apply(link, ctx.faultId(), "blackhole ended (wschaos fault " + ctx.faultId() + ")");
    }
  }
}
