package io.wschaos.fault.builtin;

import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.LinkPort;
import io.wschaos.spec.ParamException;
import io.wschaos.fault.Target;
import io.wschaos.frame.CloseStatus;
import io.wschaos.frame.Leg;
import java.nio.charset.StandardCharsets;

/**
 * A clean close with a chosen code: the named side(s) get {@code code} and {@code reason}, the other
 * leg gets 1001 from the proxy. Held messages leave first.
 */
public final class CloseFault implements Fault {
  public record Params(Integer code, String reason, Target to) {
    public Params {
      ParamException.require(code != null, "code", "close needs a code (" + CloseStatus.ALLOWED + ")");
      ParamException.require(CloseStatus.isSendable(code), "code", code + " is not a valid close code (" + CloseStatus.ALLOWED + ")");
      reason = reason == null ? "" : reason;
      ParamException.require(
          reason.getBytes(StandardCharsets.UTF_8).length <= CloseStatus.MAX_REASON_BYTES,
          "reason",
          "the reason is " + reason.getBytes(StandardCharsets.UTF_8).length + " bytes of UTF-8; at most " + CloseStatus.MAX_REASON_BYTES + " fit in a close frame");
      to = to == null ? Target.CLIENT : to;
    }
  }

  private final Params p;

  public CloseFault(Params p) {
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
        link.close(leg, p.code(), p.reason(), ctx.faultId());
      } else {
        link.close(leg, CloseStatus.GOING_AWAY, "closed by wschaos fault " + ctx.faultId(), ctx.faultId());
      }
    }
  }
}
