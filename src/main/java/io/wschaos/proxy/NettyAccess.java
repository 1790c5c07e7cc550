package io.wschaos.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.internal.http.WebSocketInternal;

/**
 * The one place that reaches below Vert.x's public API, to the Netty pipeline of a connection.
 * Check it on every Vert.x upgrade: these are internal types (verified on 5.0.7).
 */
final class NettyAccess {
  /** Vert.x names its connection handler this in every HTTP and WebSocket pipeline. */
  static final String VERTX_HANDLER = "handler";

  private NettyAccess() {}

  /** The Vert.x handler's context of the connection that carries {@code request}. */
  static ChannelHandlerContext of(HttpServerRequest request) {
    return ((HttpServerConnection) request.connection()).channelHandlerContext();
  }

  /** Vert.x's signal to its connections that their server is shutting down. */
  static boolean isShutdownEvent(Object evt) {
    return evt instanceof io.vertx.core.net.impl.ShutdownEvent;
  }

  /** An event loop of Vert.x's for timers that belong to no connection (fault triggers). */
  static io.netty.util.concurrent.EventExecutor eventLoop(io.vertx.core.Vertx vertx) {
    return ((io.vertx.core.internal.VertxInternal) vertx).nettyEventLoopGroup().next();
  }

  /** A new context on the next of Vert.x's event loops (round robin), to spread servers over loops. */
  static io.vertx.core.Context newEventLoopContext(io.vertx.core.Vertx vertx) {
    return ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext();
  }

  /** The Vert.x handler's context of an HTTP connection. */
  static ChannelHandlerContext of(io.vertx.core.http.HttpConnection conn) {
    return ((HttpServerConnection) conn).channelHandlerContext();
  }

  /** The Vert.x handler's context of an open WebSocket. */
  static ChannelHandlerContext of(WebSocket ws) {
    return ((WebSocketInternal) ws).channelHandlerContext();
  }
}
