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
 * The device loses its network (Wi-Fi drops) for the fault's window: Chromium's network emulation
 * goes offline — navigator.onLine false, an {@code offline} event, every new connection fails
 * (net::ERR_INTERNET_DISCONNECTED, so those attempts never reach the proxy) — and the links already
 * open go half-open: Chromium's emulation leaves an open WebSocket open, so the proxy blackholes that
 * client's links both ways, as the dead path would. When the window ends the page is back online (an
 * {@code online} event) and the old links end with {@code then} (abort by default: the connection
 * did not survive the network change).
 */
public final class OfflineFault implements Fault {
  /**
   * @param client the instance that goes offline (default every instance)
   * @param then what the links open across the outage do when it ends: abort (default), abort reset, close CODE, resume
   */
  public record Params(Integer client, String then) {
    public Params {
      DeviceWindow.checkClient(client);
      then = DeviceLinks.checkThen(then);
    }
  }

  private final Params p;
  private final DeviceLinks links;

  public OfflineFault(Params p) {
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
    return DeviceWindow.open(ctx, DeviceControl.Condition.OFFLINE, p.client(), Map.of());
  }
}
