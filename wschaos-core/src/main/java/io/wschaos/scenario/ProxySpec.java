package io.wschaos.scenario;

import java.time.Duration;

/**
 * Proxy settings of a scenario.
 *
 * @param idleTimeout cut links idle that long, like a reverse proxy; null = off
 * @param upstreamTimeout how long the server may take to answer a handshake before the client gets
 *     504; null = the proxy's default (60 s)
 * @param tls the client leg is wss://: the proxy terminates TLS with a certificate from an authority
 *     made for the run, which the client is told to trust
 * @param upstreamCa a PEM file (relative to the scenario file) of certificates a wss:// server may
 *     chain to, besides the JVM's trust store; null for none
 */
public record ProxySpec(Duration idleTimeout, Duration upstreamTimeout, boolean tls, String upstreamCa) {
  public ProxySpec(Duration idleTimeout) {
    this(idleTimeout, null, false, null);
  }

  public ProxySpec(Duration idleTimeout, Duration upstreamTimeout) {
    this(idleTimeout, upstreamTimeout, false, null);
  }
}
