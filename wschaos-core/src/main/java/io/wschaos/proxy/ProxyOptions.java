package io.wschaos.proxy;

import java.net.URI;
import java.time.Duration;

/**
 * How a proxy listens and where it relays to.
 *
 * @param listenHost the client-facing address (loopback by default)
 * @param listenPort 0 picks a free port
 * @param upstream ws:// or wss:// URL of the real server; its path is a prefix of every client path
 * @param maxFrameBytes the largest frame or message accepted on either leg
 * @param writeQueueBytes per-leg write-queue high-water mark; above it the other leg stops reading
 * @param upstreamTimeout how long the upstream handshake may take before the client gets 504
 * @param seed the seed every random fault decision derives from
 * @param instances 0 (proxy mode): one listener whose links belong to no logical client
 *     ({@code client} 0); n &ge; 1 (the runner): n listeners, links accepted on the i-th are client i
 * @param eventLoops how many event loops accept and relay links (each link lives on one); default
 *     one per CPU, like haproxy's threads
 * @param headTimeout how long a client may take to send its request line and headers after it
 *     connects; then the proxy closes the connection (408 if the request line came), so a client
 *     that sends half a request cannot hold a socket forever. A link after its 101 is not timed.
 */
public record ProxyOptions(
    String listenHost,
    int listenPort,
    URI upstream,
    int maxFrameBytes,
    int writeQueueBytes,
    Duration upstreamTimeout,
    long seed,
    int instances,
    int eventLoops,
    Duration headTimeout) {

  public static final int DEFAULT_MAX_FRAME = 16 * 1024 * 1024;
  public static final int DEFAULT_WRITE_QUEUE = 1024 * 1024;
  public static final Duration DEFAULT_HEAD_TIMEOUT = Duration.ofSeconds(10);

  public ProxyOptions {
    String scheme = upstream.getScheme();
    if (!"ws".equals(scheme) && !"wss".equals(scheme)) {
      throw new IllegalArgumentException("upstream must be a ws:// or wss:// URL, got " + upstream);
    }
    if (upstream.getHost() == null) {
      throw new IllegalArgumentException("upstream URL has no host: " + upstream);
    }
    if (maxFrameBytes <= 0) {
      throw new IllegalArgumentException("max frame size must be positive");
    }
    if (upstreamTimeout == null || upstreamTimeout.isNegative() || upstreamTimeout.isZero()) {
      throw new IllegalArgumentException("the upstream timeout must be positive, got " + upstreamTimeout);
    }
    if (headTimeout == null || headTimeout.isNegative() || headTimeout.isZero()) {
      throw new IllegalArgumentException("the handshake timeout must be positive, got " + headTimeout);
    }
    if (eventLoops < 1) {
      throw new IllegalArgumentException("at least one event loop, got " + eventLoops);
    }
    if (instances < 0) {
      throw new IllegalArgumentException("instances cannot be negative, got " + instances);
    }
    if (instances > 1 && listenPort != 0) {
      throw new IllegalArgumentException("several instances listen on free ports only (listen port 0), got " + listenPort);
    }
  }

  public static ProxyOptions of(URI upstream) {
    return new ProxyOptions(
        "127.0.0.1", 0, upstream, DEFAULT_MAX_FRAME, DEFAULT_WRITE_QUEUE, Duration.ofSeconds(60), 0, 0,
        Math.max(1, Runtime.getRuntime().availableProcessors()), DEFAULT_HEAD_TIMEOUT);
  }

  public ProxyOptions withListen(String host, int port) {
    return new ProxyOptions(host, port, upstream, maxFrameBytes, writeQueueBytes, upstreamTimeout, seed, instances, eventLoops, headTimeout);
  }

  public ProxyOptions withMaxFrameBytes(int bytes) {
    return new ProxyOptions(listenHost, listenPort, upstream, bytes, writeQueueBytes, upstreamTimeout, seed, instances, eventLoops, headTimeout);
  }

  public ProxyOptions withUpstreamTimeout(Duration timeout) {
    return new ProxyOptions(listenHost, listenPort, upstream, maxFrameBytes, writeQueueBytes, timeout, seed, instances, eventLoops, headTimeout);
  }

  public ProxyOptions withSeed(long seed) {
    return new ProxyOptions(listenHost, listenPort, upstream, maxFrameBytes, writeQueueBytes, upstreamTimeout, seed, instances, eventLoops, headTimeout);
  }

  public ProxyOptions withWriteQueueBytes(int bytes) {
    return new ProxyOptions(listenHost, listenPort, upstream, maxFrameBytes, bytes, upstreamTimeout, seed, instances, eventLoops, headTimeout);
  }

  public ProxyOptions withHeadTimeout(Duration timeout) {
    return new ProxyOptions(listenHost, listenPort, upstream, maxFrameBytes, writeQueueBytes, upstreamTimeout, seed, instances, eventLoops, timeout);
  }

  public ProxyOptions withEventLoops(int n) {
    return new ProxyOptions(listenHost, listenPort, upstream, maxFrameBytes, writeQueueBytes, upstreamTimeout, seed, instances, n, headTimeout);
  }

  /** {@code n} client-facing ports, one per logical client 1..n (see {@code instances}). */
  public ProxyOptions withInstances(int n) {
    return new ProxyOptions(listenHost, listenPort, upstream, maxFrameBytes, writeQueueBytes, upstreamTimeout, seed, n, eventLoops, headTimeout);
  }

  /** How many listeners the proxy opens: at least one. */
  public int listeners() {
    return Math.max(1, instances);
  }

  public boolean upstreamTls() {
    return "wss".equals(upstream.getScheme());
  }

  public int upstreamPort() {
    int p = upstream.getPort();
    return p > 0 ? p : upstreamTls() ? 443 : 80;
  }

  /** The upstream path prefix without a trailing slash ("" for none). */
  public String upstreamBasePath() {
    String p = upstream.getRawPath();
    if (p == null || p.isEmpty() || "/".equals(p)) {
      return "";
    }
    return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }
}
