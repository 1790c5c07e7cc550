package io.wschaos.fault;

import java.util.Map;

/**
 * The pages of a browser client (headless Chromium), which device faults act on. The runner
 * implements it when its client is a browser; the browser applies each change and the timeline
 * records it ({@code fault} events {@code applied} and {@code lifted} on the instance, when the
 * page really is in that state). Proxy mode and process clients have none.
 */
public interface DeviceControl {
  /** What a device fault changes on a page. */
  enum Condition {
    /** Network emulation offline: navigator.onLine false, an offline event, new connections fail. */
    OFFLINE,
    /** Page hidden (visibilitychange), then frozen: no script runs, timers and events wait. */
    FROZEN,
    /** Page hidden: document.visibilityState hidden and a visibilitychange event. */
    HIDDEN,
    /** Network emulation with a latency and bandwidth (a slow mobile network). */
    THROTTLED
  }

  /** The instances a browser client has (1, 2…). */
  int instances();

  /**
   * Puts {@code condition} on (or, {@code on} false, off) the page of instance {@code client} (0:
   * every instance), for fault {@code faultId} ({@code faultName}); {@code params} are the
   * condition's numbers (throttled: latency_ms, download_bps, upload_bps). Returns at once.
   */
  void set(String faultId, String faultName, Condition condition, boolean on, int client, Map<String, Number> params);
}
