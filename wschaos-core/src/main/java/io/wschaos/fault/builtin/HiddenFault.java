package io.wschaos.fault.builtin;

import io.wschaos.fault.DeviceControl;
import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.ListenerStage;
import java.util.Map;

/**
 * The user switches to another tab for the fault's window: document.visibilityState becomes
 * {@code hidden} (document.hidden true) and {@code visibilitychange} fires, with a {@code blur} on
 * the window; when the window ends it is {@code visible} again, with {@code visibilitychange} and
 * {@code focus}. Scripts keep running and the network is untouched.
 */
public final class HiddenFault implements Fault {
  /** @param client the instance whose page is hidden (default every instance) */
  public record Params(Integer client) {
    public Params {
      DeviceWindow.checkClient(client);
    }
  }

  private final Params p;

  public HiddenFault(Params p) {
    this.p = p;
  }

  @Override
  public boolean device() {
    return true;
  }

  @Override
  public ListenerStage listener(FaultContext ctx) {
    return DeviceWindow.open(ctx, DeviceControl.Condition.HIDDEN, p.client(), Map.of());
  }
}
