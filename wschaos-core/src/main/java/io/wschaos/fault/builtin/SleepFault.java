package io.wschaos.fault.builtin;

import io.wschaos.fault.DeviceControl;
import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.FrameStage;
import io.wschaos.fault.LinkPort;
import io.wschaos.fault.ListenerStage;
import io.wschaos.frame.Direction;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * A laptop sleeps for the fault's window: the page is frozen as in {@link FreezeFault} (no script
 * runs) and the proxy blackholes that client's links both ways (a sleeping machine answers nothing).
 * At wake the page runs again, and the links end with {@code then}: abort by default (the server
 * gave up on the connection during the sleep, so the first thing the page learns is 1006), or
 * resume (a short nap that TCP survived).
 */
public final class SleepFault implements Fault {
  /**
   * @param client the instance that sleeps (default every instance)
   * @param then what the links open across the sleep do at wake: abort (default), abort reset, close CODE, resume
   */
  public record Params(Integer client, String then) {
    public Params {
      DeviceWindow.checkClient(client);
      then = DeviceLinks.checkThen(then);
    }
  }

  private final Params p;
  private final DeviceLinks links;

  public SleepFault(Params p) {
    this.p = p;
    this.links = new DeviceLinks(p.client(), p.then());
  }

  @Override
  public boolean device() {
    return true;
  }

  @Override
  public Set<Direction> directions() {
    return EnumSet.allOf(Direction.class);
  }

  @Override
  public FrameStage stage(Direction direction, FaultContext ctx) {
    return links.stage(direction, ctx);
  }

  @Override
  public void stop(LinkPort link, FaultContext ctx) {
    links.stop(link, ctx);
  }

  @Override
  public ListenerStage listener(FaultContext ctx) {
    return DeviceWindow.open(ctx, DeviceControl.Condition.FROZEN, p.client(), Map.of());
  }
}
