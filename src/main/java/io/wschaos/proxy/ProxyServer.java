package io.wschaos.proxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wschaos.timeline.Timeline;

/** A listening WebSocket man-in-the-middle. */
public final class ProxyServer {
  private ProxyServer() {}

  /** Starts listening; completes once the port accepts connections. */
  public static Future<ProxyServer> start(Vertx vertx, ProxyOptions options, Timeline timeline) {
    throw new UnsupportedOperationException("in progress");
  }

  /** The client-facing port actually bound. */
  public int port() {
    throw new UnsupportedOperationException("in progress");
  }

  /** Links open right now. */
  public int liveLinks() {
    throw new UnsupportedOperationException("in progress");
  }

  /** Stops listening and aborts every live link. */
  public Future<Void> close() {
    throw new UnsupportedOperationException("in progress");
  }
}
