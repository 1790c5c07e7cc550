package io.wschaos.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.wschaos.fault.AttemptView;
import io.wschaos.fault.HandshakeAction;
import io.wschaos.timeline.EventBody;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one upgrade request into a link: records the attempt, opens the upstream WebSocket with the
 * client's path, query, headers and subprotocol offer, then either upgrades the client with the
 * server's choice or hands the server's refusal back to the client as it came.
 */
final class HandshakeRelay {
  private static final String SEC_WEBSOCKET_PROTOCOL = "Sec-WebSocket-Protocol";
  private static final long FIRST_RECHECK_MS = 50;
  private static final long MAX_RECHECK_MS = 1_000;

  private final ProxyServer proxy;
  private final WebSocketClient client;

  HandshakeRelay(ProxyServer proxy, WebSocketClient client) {
    this.proxy = proxy;
    this.client = client;
  }

  /** @param clientNo the logical client of the port the request arrived on (0 in proxy mode) */
  void handle(HttpServerRequest req, int clientNo) {
    req.pause(); // before any asynchronous step, or toWebSocket() finds the request already read
    List<String> offered = splitList(req.headers().getAll(SEC_WEBSOCKET_PROTOCOL));
    int linkId = proxy.recordAttempt(clientNo, attemptOf(req));

    // Take frames away from Vert.x from the first byte after the 101 on.
    ChannelHandlerContext vertxCtx = NettyAccess.of(req);
    LegHandler clientLeg = new LegHandler();
    vertxCtx.pipeline().addBefore(NettyAccess.VERTX_HANDLER, LegHandler.NAME, clientLeg);

    AttemptView view = new AttemptView(linkId, clientNo, linkId, req.path(), req.query(), headerMap(req.headers()));
    proxy.faults().onAttempt(view);
    HandshakeAction action = proxy.faults().onHandshake(view);
    if (action instanceof HandshakeAction.Reject r) {
      removeLeg(req, clientLeg);
      proxy.timeline().record(linkId, clientNo, new EventBody.Rejected(r.status(), "proxy", "fault " + r.faultId()));
      HttpServerResponse resp = req.response().setStatusCode(r.status());
      r.headers().forEach((k, vs) -> vs.forEach(v -> resp.headers().add(k, v)));
      resp.end(r.body() == null ? "" : r.body());
      return;
    }
    if (action instanceof HandshakeAction.Delay d) {
      long delay = proxy.vertx().setTimer(Math.max(1, d.micros() / 1000), id -> relay(req, clientLeg, linkId, clientNo, offered));
      // A client that leaves while the fault holds it is never dialled upstream; relay() takes over this handler.
      req.response()
          .closeHandler(
              v -> {
                proxy.vertx().cancelTimer(delay);
                leftDuringHandshake(clientLeg, linkId, clientNo);
              });
      return;
    }
    relay(req, clientLeg, linkId, clientNo, offered);
  }

  /** Opens the upstream WebSocket as the client asked, and answers the client with the outcome. */
  private void relay(HttpServerRequest req, LegHandler clientLeg, int linkId, int clientNo, List<String> offered) {
    ProxyOptions o = proxy.options();
    String invalid = HeaderPolicy.invalidTarget(HeaderPolicy.upstreamUri(o.upstreamBasePath(), req.uri()));
    if (invalid != null) {
      reject(req, clientLeg, linkId, clientNo, 400, invalid);
      return;
    }
    WebSocketConnectOptions co =
        new WebSocketConnectOptions()
            .setHost(o.upstream().getHost())
            .setPort(o.upstreamPort())
            .setSsl(o.upstreamTls())
            .setURI(HeaderPolicy.upstreamUri(o.upstreamBasePath(), req.uri()));
    String connection = req.getHeader("Connection");
    for (Map.Entry<String, String> h : req.headers()) {
      if (HeaderPolicy.forwards(h.getKey(), connection)) {
        co.addHeader(h.getKey(), h.getValue());
      }
    }
    co.setAllowOriginHeader(req.getHeader("Origin") != null); // else Netty would invent one
    for (String p : offered) {
      co.addSubProtocol(p);
    }

    // Vert.x's own handshake timer closes the upstream socket; ours answers the client. Both run
    // out together, so a hung upstream costs one socket for the timeout and no longer (or until
    // its client leaves, below).
    co.setTimeout(o.upstreamTimeout().toMillis());
    long started = System.nanoTime();
    // Connected on a context of its own, the upstream connection can be found and closed if the
    // client leaves first: Vert.x hands it out only once the handshake is complete.
    Context attempt = NettyAccess.attemptContext(proxy.vertx());
    Future<WebSocket> connecting = NettyAccess.on(attempt, () -> client.connect(co));
    boolean[] answered = new boolean[1];
    long timer =
        proxy
            .vertx()
            .setTimer(
                o.upstreamTimeout().toMillis(),
                id -> {
                  if (!answered[0]) {
                    answered[0] = true;
                    reject(req, clientLeg, linkId, clientNo, 504, "upstream handshake timed out after " + seconds(o));
                  }
                });
    // A client that leaves while the proxy waits for the upstream ends its attempt there and then.
    req.response()
        .closeHandler(
            v -> {
              if (!answered[0]) {
                answered[0] = true;
                proxy.vertx().cancelTimer(timer);
                leftDuringHandshake(clientLeg, linkId, clientNo);
                closeUpstream(attempt, connecting, FIRST_RECHECK_MS);
              }
            });
    connecting.onComplete(
        ar -> {
          proxy.vertx().cancelTimer(timer);
          if (answered[0]) {
            if (ar.succeeded()) {
              NettyAccess.of(ar.result()).close(); // no close handshake: nobody is on the other side
            }
            return;
          }
          answered[0] = true;
          if (ar.succeeded()) {
            upgrade(req, clientLeg, ar.result(), linkId, clientNo);
          } else if (ar.cause() instanceof UpgradeRejectedException rej) {
            relayRejection(req, clientLeg, rej, linkId, clientNo);
          } else if (System.nanoTime() - started >= o.upstreamTimeout().toNanos()) {
            reject(req, clientLeg, linkId, clientNo, 504, "upstream handshake timed out after " + seconds(o));
          } else {
            reject(req, clientLeg, linkId, clientNo, 502, "upstream unreachable: " + ar.cause().getMessage());
          }
        });
  }

  private void leftDuringHandshake(LegHandler clientLeg, int linkId, int clientNo) {
    clientLeg.releaseHeld();
    proxy.timeline().record(linkId, clientNo, new EventBody.Abort(io.wschaos.frame.Leg.CLIENT, "client", "fin", null, "left during the handshake"));
  }

  /**
   * Closes the upstream connection of an attempt whose client has left. While its TCP connect is
   * still in progress there is none to close yet: look again, less and less often, until the
   * attempt completes (a handshake that completes is closed where it completes).
   */
  private void closeUpstream(Context attempt, Future<WebSocket> connecting, long recheckMs) {
    if (!connecting.isComplete() && !NettyAccess.closeConnecting(client, attempt)) {
      proxy.vertx().setTimer(recheckMs, id -> closeUpstream(attempt, connecting, Math.min(2 * recheckMs, MAX_RECHECK_MS)));
    }
  }

  private static String seconds(ProxyOptions o) {
    long ms = o.upstreamTimeout().toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }

  private void upgrade(HttpServerRequest req, LegHandler clientLeg, WebSocket up, int linkId, int clientNo) {
    ChannelHandlerContext upCtx = NettyAccess.of(up);
    LegHandler serverLeg = new LegHandler();
    upCtx.pipeline().addBefore(NettyAccess.VERTX_HANDLER, LegHandler.NAME, serverLeg);
    // Frames Vert.x decoded together with the 101 are queued in the (paused) WebSocket; they come
    // first. Vert.x drains them in a task on this event loop, and the link starts in a later one.
    List<WebSocketFrame> early = new ArrayList<>();
    up.frameHandler(f -> early.add(toNetty(f)));
    up.resume();

    HttpServerResponse resp = req.response();
    String connection = up.headers() == null ? null : up.headers().get("Connection");
    if (up.headers() != null) {
      for (Map.Entry<String, String> h : up.headers()) {
        if (HeaderPolicy.forwards(h.getKey(), connection) && !"content-length".equalsIgnoreCase(h.getKey())) {
          resp.headers().add(h.getKey(), h.getValue());
        }
      }
    }
    if (up.subProtocol() != null) {
      resp.putHeader(SEC_WEBSOCKET_PROTOCOL, up.subProtocol());
    }
    String target = req.uri();
    req.toWebSocket()
        .onComplete(
            dr -> {
              if (dr.failed()) {
                leftDuringHandshake(clientLeg, linkId, clientNo);
                NettyAccess.of(up).close();
                return;
              }
              upCtx.executor()
                  .execute(
                      () -> {
                        for (int i = early.size() - 1; i >= 0; i--) {
                          serverLeg.holdFirst(early.get(i));
                        }
                        up.frameHandler(null);
                        Link link = new Link(linkId, clientNo, proxy.timeline(), clientLeg, serverLeg, proxy.faults(), proxy.nextOrdinal(clientNo), proxy::unregister);
                        // The documented per-leg write-queue bound; Netty's default (64 KiB) applies otherwise.
                        int q = proxy.options().writeQueueBytes();
                        WriteBufferWaterMark mark = new WriteBufferWaterMark(q / 2, q);
                        clientLeg.context().channel().config().setWriteBufferWaterMark(mark);
                        upCtx.channel().config().setWriteBufferWaterMark(mark);
                        link.target(target);
                        proxy.register(link);
                        proxy.timeline().record(linkId, clientNo, new EventBody.Open(up.subProtocol()));
                        proxy.faults().onOpen(link); // faults that cover new links are in place before any frame
                        // From here on the legs read bytes, and Vert.x lets go of both connections.
                        int maxFrame = proxy.options().maxFrameBytes();
                        clientLeg.takeOver(link, link.side(io.wschaos.frame.Leg.CLIENT), true, maxFrame);
                        serverLeg.takeOver(link, link.side(io.wschaos.frame.Leg.SERVER), false, maxFrame);
                        clientLeg.start();
                        serverLeg.start();
                      });
            });
  }

  private void relayRejection(HttpServerRequest req, LegHandler clientLeg, UpgradeRejectedException rej, int linkId, int clientNo) {
    removeLeg(req, clientLeg);
    HttpServerResponse resp = req.response().setStatusCode(rej.getStatus());
    MultiMap headers = rej.getHeaders();
    String connection = headers == null ? null : headers.get("Connection");
    if (headers != null) {
      for (Map.Entry<String, String> h : headers) {
        if (HeaderPolicy.forwards(h.getKey(), connection) && !"content-length".equalsIgnoreCase(h.getKey())) {
          resp.headers().add(h.getKey(), h.getValue());
        }
      }
    }
    proxy.timeline().record(linkId, clientNo, new EventBody.Rejected(rej.getStatus(), "server", null));
    Buffer body = rej.getBody();
    resp.end(body == null ? Buffer.buffer() : body);
  }

  private void reject(HttpServerRequest req, LegHandler clientLeg, int linkId, int clientNo, int status, String why) {
    removeLeg(req, clientLeg);
    proxy.timeline().record(linkId, clientNo, new EventBody.Rejected(status, "proxy", why));
    req.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(why + "\n");
  }

  private static void removeLeg(HttpServerRequest req, LegHandler clientLeg) {
    clientLeg.releaseHeld();
    ChannelPipeline p = NettyAccess.of(req).pipeline();
    if (p.get(LegHandler.NAME) != null) {
      p.remove(LegHandler.NAME);
    }
  }

  private static WebSocketFrame toNetty(io.vertx.core.http.WebSocketFrame f) {
    var content = Unpooled.wrappedBuffer(f.binaryData().getBytes());
    return switch (f.type()) {
      case TEXT -> new TextWebSocketFrame(f.isFinal(), 0, content);
      case BINARY -> new BinaryWebSocketFrame(f.isFinal(), 0, content);
      case CONTINUATION -> new ContinuationWebSocketFrame(f.isFinal(), 0, content);
      case PING -> new PingWebSocketFrame(content);
      case PONG -> new PongWebSocketFrame(content);
      case CLOSE -> new CloseWebSocketFrame(true, 0, content);
    };
  }

  /** The attempt event of a request: where it came from and what it asked for. */
  static EventBody.Attempt attemptOf(HttpServerRequest req) {
    return new EventBody.Attempt(
        String.valueOf(req.remoteAddress()),
        req.path(),
        req.query(),
        headerMap(req.headers()),
        splitList(req.headers().getAll(SEC_WEBSOCKET_PROTOCOL)),
        req.getHeader("Sec-WebSocket-Extensions"));
  }

  static List<String> splitList(List<String> values) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      for (String p : v.split(",")) {
        String t = p.trim();
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
    }
    return out;
  }

  private static Map<String, List<String>> headerMap(MultiMap headers) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : headers) {
      out.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue());
    }
    return out;
  }
}
