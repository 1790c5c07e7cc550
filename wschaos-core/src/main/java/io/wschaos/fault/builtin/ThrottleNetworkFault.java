package io.wschaos.fault.builtin;

import io.wschaos.fault.DeviceControl;
import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.ListenerStage;
import io.wschaos.spec.ParamException;
import java.time.Duration;
import java.util.Map;

/**
 * The page's network becomes a slow mobile one for the fault's window, through Chromium's network
 * emulation: every request and connection (the WebSocket handshake included) waits {@code latency}
 * more and moves at most {@code download} / {@code upload} bytes per second. The default profile is
 * Chrome DevTools' "Slow 3G": 2 s latency, 50 000 B/s each way; {@code profile: fast_3g} is 562.5 ms
 * and 180 000 / 84 375 B/s. Each number can be set on its own.
 */
public final class ThrottleNetworkFault implements Fault {
  /** A named network profile (Chrome DevTools' presets). */
  public enum Profile {
    SLOW_3G(Duration.ofMillis(2000), 50_000, 50_000),
    FAST_3G(Duration.ofMillis(563), 180_000, 84_375);

    final Duration latency;
    final long download;
    final long upload;

    Profile(Duration latency, long download, long upload) {
      this.latency = latency;
      this.download = download;
      this.upload = upload;
    }
  }

  /**
   * @param profile slow_3g (default) or fast_3g
   * @param latency added to every request and connection (default the profile's)
   * @param download bytes per second toward the page (default the profile's)
   * @param upload bytes per second from the page (default the profile's)
   * @param client the instance whose network is slow (default every instance)
   */
  public record Params(Profile profile, Duration latency, Long download, Long upload, Integer client) {
    public Params {
      DeviceWindow.checkClient(client);
      profile = profile == null ? Profile.SLOW_3G : profile;
      latency = latency == null ? profile.latency : latency;
      download = download == null ? profile.download : download;
      upload = upload == null ? profile.upload : upload;
      ParamException.require(!latency.isNegative(), "latency", "latency cannot be negative");
      ParamException.require(download >= 1, "download", download + " is not a rate (bytes per second ≥ 1)");
      ParamException.require(upload >= 1, "upload", upload + " is not a rate (bytes per second ≥ 1)");
    }
  }

  private final Params p;

  public ThrottleNetworkFault(Params p) {
    this.p = p;
  }

  @Override
  public boolean device() {
    return true;
  }

  @Override
  public ListenerStage listener(FaultContext ctx) {
    return DeviceWindow.open(ctx, DeviceControl.Condition.THROTTLED, p.client(),
        Map.of("latency_ms", p.latency().toMillis(), "download_bps", p.download(), "upload_bps", p.upload()));
  }
}
