package io.wschaos.fault.builtin;

import io.wschaos.fault.DeviceControl;
import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.ListenerStage;
import java.util.Map;

/**
 * The page goes to the background and is frozen for the fault's window, as mobile browsers do:
 * {@code visibilitychange} (hidden) and {@code freeze} fire, then no script runs — timers, socket
 * events and messages wait — until the window ends, when {@code resume} and {@code visibilitychange}
 * (visible) fire and everything that waited runs. The network is untouched: the server's messages
 * keep arriving and queue, and the links stay open unless the server or another fault ends them.
 */
public final class FreezeFault implements Fault {
  /** @param client the instance that is frozen (default every instance) */
  public record Params(Integer client) {
    public Params {
      DeviceWindow.checkClient(client);
    }
  }

  private final Params p;

  public FreezeFault(Params p) {
    this.p = p;
  }

  @Override
  public boolean device() {
    return true;
  }

  @Override
  public ListenerStage listener(FaultContext ctx) {
    return DeviceWindow.open(ctx, DeviceControl.Condition.FROZEN, p.client(), Map.of());
  }
}
