package io.wschaos.fault.builtin;

import io.wschaos.fault.DeviceControl;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.ListenerStage;
import io.wschaos.spec.ParamException;
import java.util.Map;

/**
 * The device part of a device fault: puts its condition on the browser page(s) when the fault
 * starts and takes it off when the fault ends. Without a browser client (proxy mode, a process
 * client) it records {@code skipped}; the runner records {@code applied} and {@code lifted} once the
 * page really is in that state.
 */
final class DeviceWindow implements ListenerStage {
  private final FaultContext ctx;
  private final DeviceControl.Condition condition;
  private final int client;
  private final Map<String, Number> params;
  private final DeviceControl device;

  private DeviceWindow(FaultContext ctx, DeviceControl.Condition condition, int client, Map<String, Number> params, DeviceControl device) {
    this.ctx = ctx;
    this.condition = condition;
    this.client = client;
    this.params = params;
    this.device = device;
  }

  /** Starts {@code condition} on instance {@code client} (null: every instance); null when there is no page to act on. */
  static DeviceWindow open(FaultContext ctx, DeviceControl.Condition condition, Integer client, Map<String, Number> params) {
    DeviceControl device = ctx.deviceControl();
    if (device == null) {
      ctx.record("skipped", null, 0, "no browser client: " + ctx.faultName() + " acts on a page in headless Chromium (client: {browser: …})");
      return null;
    }
    if (client != null && client > device.instances()) {
      ctx.record("skipped", null, 0, "no client instance " + client + " (the browser client has " + device.instances() + ")");
      return null;
    }
    DeviceWindow w = new DeviceWindow(ctx, condition, client == null ? 0 : client, params, device);
    device.set(ctx.faultId(), ctx.faultName(), condition, true, w.client, params);
    return w;
  }

  @Override
  public String faultId() {
    return ctx.faultId();
  }

  @Override
  public void onStop() {
    device.set(ctx.faultId(), ctx.faultName(), condition, false, client, params);
  }

  /** The {@code client} parameter every device fault has: an instance number, or null for all. */
  static void checkClient(Integer client) {
    ParamException.require(client == null || client >= 1, "client", "client is an instance number (1, 2…); leave it out for every instance");
  }
}
