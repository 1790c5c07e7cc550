package io.wschaos.fault.builtin;

import io.wschaos.fault.FaultContext;
import io.wschaos.fault.FrameStage;
import io.wschaos.fault.LinkPort;
import io.wschaos.fault.StageOutput;
import io.wschaos.fault.Unit;
import io.wschaos.frame.Direction;

/**
 * The link part of {@code offline} and {@code sleep}: a device without a network path leaves its
 * open links half-open, so the links of the affected instance(s) are blackholed both ways for the
 * window (a {@link BlackholeFault}), and end with {@code then} when it is over. Links of other
 * instances pass untouched.
 */
final class DeviceLinks {
  private final Integer client;
  private final BlackholeFault blackhole;

  DeviceLinks(Integer client, String then) {
    this.client = client;
    this.blackhole = new BlackholeFault(new BlackholeFault.Params(null, null, then));
  }

  private boolean mine(FaultContext ctx) {
    return client == null || ctx.client() == client;
  }

  FrameStage stage(Direction direction, FaultContext ctx) {
    return mine(ctx) ? blackhole.stage(direction, ctx) : (Unit unit, StageOutput next) -> next.emit(unit);
  }

  void stop(LinkPort link, FaultContext ctx) {
    if (mine(ctx)) {
      blackhole.stop(link, ctx);
    }
  }

  static String checkThen(String then) {
    return new BlackholeFault.Params(null, null, then).then();
  }
}
