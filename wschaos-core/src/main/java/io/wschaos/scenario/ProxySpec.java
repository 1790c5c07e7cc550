package io.wschaos.scenario;

import java.time.Duration;

/**
 * Proxy settings of a scenario.
 *
 * @param idleTimeout cut links idle that long, like a reverse proxy; null = off
 * @param upstreamTimeout how long the server may take to answer a handshake before the client gets
 *     504; null = the proxy's default (60 s)
 */
public record ProxySpec(Duration idleTimeout, Duration upstreamTimeout) {
  public ProxySpec(Duration idleTimeout) {
    this(idleTimeout, null);
  }
}
