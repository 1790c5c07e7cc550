package io.wschaos.fault.builtin;

import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.LinkPort;
import io.wschaos.fault.Target;
import io.wschaos.frame.CloseStatus;
import io.wschaos.frame.Leg;

/**
 * The TCP connection dies with no close frame: the named leg(s) are reset (RST) or closed (FIN),
 * and a leg not named gets 1001 from the proxy. The client sees 1006. What faults held for a dead
 * leg is discarded and recorded.
 */
public final class AbortFault implements Fault {
  public enum Mode {
    RESET,
    FIN
  }

  /**
   * @param mode reset (RST, the default) or fin
   * @param to the leg(s) that die: client, server or both (default)
   */
  public record Params(Mode mode, Target to) {
    public Params {
      mode = mode == null ? Mode.RESET : mode;
      to = to == null ? Target.BOTH : to;
    }
  }

  private final Params p;

  public AbortFault(Params p) {
    this.p = p;
  }

  @Override
  public boolean oneShot() {
    return true;
  }

  @Override
  public void start(LinkPort link, FaultContext ctx) {
    for (Leg leg : Leg.values()) {
      if (p.to().legs().contains(leg)) {
        link.abort(leg, p.mode() == Mode.RESET, ctx.faultId());
      } else {
        link.close(leg, CloseStatus.GOING_AWAY, "closed by wschaos fault " + ctx.faultId(), ctx.faultId());
      }
    }
  }
}
