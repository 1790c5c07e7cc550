package io.wschaos.fault.builtin;

import io.wschaos.fault.AttemptView;
import io.wschaos.spec.Durations;
import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.HandshakeAction;
import io.wschaos.fault.ListenerStage;
import io.wschaos.spec.ParamException;
import java.time.Duration;

/** A handshake answered late: each upgrade request waits {@code by} before it is relayed to the server. */
public final class SlowHandshakeFault implements Fault {
  /** @param by how long each handshake waits */
  public record Params(Duration by) {
    public Params {
      ParamException.require(by != null, "by", "slow_handshake needs by, e.g. 3s");
      ParamException.require(!by.isNegative() && !by.isZero(), "by", "by must be longer than 0");
    }
  }

  private final Params p;

  public SlowHandshakeFault(Params p) {
    this.p = p;
  }

  @Override
  public ListenerStage listener(FaultContext ctx) {
    return new ListenerStage() {
      @Override
      public String faultId() {
        return ctx.faultId();
      }

      @Override
      public HandshakeAction onHandshake(AttemptView attempt) {
        ctx.record("delayed", null, 0, "attempt " + attempt.number() + " by " + Durations.format(p.by()));
        return new HandshakeAction.Delay(Durations.micros(p.by()), ctx.faultId());
      }
    };
  }
}
