package io.wschaos.fault.builtin;

import io.wschaos.spec.Durations;
import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.ListenerStage;
import io.wschaos.spec.ParamException;
import io.wschaos.fault.ServerControl;
import java.time.Duration;

/**
 * The real server process is stopped with {@code signal} and started again after {@code down_for},
 * on the same port; the runner does it through {@link ServerControl} (scenarios with
 * {@code server.command}). Without one (proxy mode) the fault records {@code skipped}.
 *
 * <p>A restart concerns the process, not a link: it happens once each time the fault fires, in the
 * hook the engine calls once per activation ({@link #listener}), not in {@link #start}, which runs
 * once per live link (and never when none is open).
 */
public final class RestartServerFault implements Fault {
  public enum Signal {
    TERM,
    KILL,
    INT
  }

  /**
   * @param down_for how long the server stays down after it stopped (default 0: start it at once)
   * @param signal TERM (default), KILL or INT
   */
  public record Params(Duration down_for, Signal signal) {
    public Params {
      down_for = down_for == null ? Duration.ZERO : down_for;
      ParamException.require(!down_for.isNegative(), "down_for", "down_for cannot be negative");
      signal = signal == null ? Signal.TERM : signal;
    }
  }

  private final Params p;

  public RestartServerFault(Params p) {
    this.p = p;
  }

  @Override
  public boolean oneShot() {
    return true;
  }

  @Override
  public ListenerStage listener(FaultContext ctx) {
    ServerControl server = ctx.serverControl();
    if (server == null) {
      ctx.record("skipped", null, 0, "no server process to restart (needs server.command)");
    } else {
      ctx.record("restart", null, 0, "signal " + p.signal() + ", down for " + Durations.format(p.down_for()));
      server.restart(p.down_for(), p.signal().name());
    }
    return null; // nothing to do on the listener itself
  }
}
