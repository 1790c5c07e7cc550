package io.wschaos.proxy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.netty.channel.ChannelOption;
import io.netty.util.AttributeKey;
import io.wschaos.frame.CloseStatus;
import io.wschaos.frame.Leg;
import io.wschaos.pipeline.FaultEngine;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Timeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listening WebSocket man-in-the-middle: upgrade requests become links to the upstream server,
 * other HTTP requests are forwarded as plain HTTP. Both are recorded on the timeline.
 */
public final class ProxyServer {
  /** Marks a connection a fault reset as it was accepted. */
  private static final AttributeKey<Boolean> RESET_BY_FAULT = AttributeKey.valueOf("wschaos.resetByFault");
  private final Vertx vertx;
  private final ProxyOptions options;
  private final Timeline timeline;
  private final AtomicInteger linkNumbers = new AtomicInteger();
  private final Map<Integer, Link> links = new ConcurrentHashMap<>();
  // Held in fields on purpose: Vert.x 5 disposes of unreachable clients, links and all.
  private final WebSocketClient wsClient;
  private final HttpClient httpClient;
  private final HandshakeRelay handshakes;
  private final HttpRelay httpRelay;
  private final FaultEngine engine;
  private final Map<Integer, Integer> opensByClient = new ConcurrentHashMap<>();
  private HttpServerOptions serverOptions;
  private volatile HttpServer server;
  private volatile int port;
  private volatile boolean closing;

  private ProxyServer(Vertx vertx, ProxyOptions options, Timeline timeline) {
    this.vertx = vertx;
    this.options = options;
    this.timeline = timeline;
    this.wsClient =
        vertx.createWebSocketClient(
            new WebSocketClientOptions()
                .setMaxConnections(Integer.MAX_VALUE) // -1 is accepted by the setter but makes every connect wait forever (5.0.7)
                .setMaxFrameSize(options.maxFrameBytes())
                .setMaxMessageSize(Integer.MAX_VALUE)
                .setTryUsePerMessageCompression(false)
                .setTryUsePerFrameCompression(false)
                .setVerifyHost(true));
    this.httpClient =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setVerifyHost(true),
            new PoolOptions().setHttp1MaxSize(64));
    this.handshakes = new HandshakeRelay(this, wsClient);
    this.httpRelay = new HttpRelay(this, httpClient);
    this.engine = new FaultEngine(new LoopScheduler(NettyAccess.eventLoop(vertx), timeline), timeline, options.seed(), this::refuse);
  }

  /** Starts listening; completes once the port accepts connections. */
  public static Future<ProxyServer> start(Vertx vertx, ProxyOptions options, Timeline timeline) {
    ProxyServer proxy = new ProxyServer(vertx, options, timeline);
    HttpServerOptions serverOptions =
        new HttpServerOptions()
            .setHost(options.listenHost())
            .setPort(options.listenPort())
            .setTcpNoDelay(true)
            .setMaxWebSocketFrameSize(options.maxFrameBytes())
            .setMaxWebSocketMessageSize(Integer.MAX_VALUE)
            .setPerMessageWebSocketCompressionSupported(false)
            .setPerFrameWebSocketCompressionSupported(false)
            .setRegisterWebSocketWriteHandlers(false);
    proxy.serverOptions = serverOptions;
    return proxy.listen(options.listenPort()).map(s -> proxy);
  }

  private Future<HttpServer> listen(int onPort) {
    HttpServer s =
        vertx
            .createHttpServer(new HttpServerOptions(serverOptions).setPort(onPort))
            .connectionHandler(conn -> onAccept(conn))
            .requestHandler(this::handle);
    return s.listen().onSuccess(bound -> {
      server = bound;
      port = bound.actualPort();
    });
  }

  /** A TCP connection was accepted: a server_down in reset mode kills it at once, and it counts as an attempt. */
  private void onAccept(io.vertx.core.http.HttpConnection conn) {
    String fault = engine.onAccept();
    if (fault != null) {
      int link = nextLinkNumber();
      timeline.record(link, clientNumber(), new EventBody.Attempt(String.valueOf(conn.remoteAddress()), null, null, Map.of(), java.util.List.of(), null));
      timeline.record(link, clientNumber(), new EventBody.Abort(Leg.CLIENT, "proxy", "reset", fault, "server down"));
      // Vert.x may hand over the connection after it has read the upgrade request, and serves that
      // request even once the channel is closed: mark the connection so the request is ignored.
      var ch = NettyAccess.of(conn).channel();
      ch.attr(RESET_BY_FAULT).set(Boolean.TRUE);
      ch.config().setOption(ChannelOption.SO_LINGER, 0);
      ch.close();
    }
  }

  /**
   * A server_down in refuse mode closes the listening socket so the kernel refuses connections;
   * links already open live on (their channels no longer answer to the Vert.x server). Reopening
   * binds the same port again, retrying while the kernel still holds it.
   */
  private void refuse(boolean refuse) {
    vertx.runOnContext(v -> {
      if (refuse) {
        HttpServer s = server;
        server = null;
        if (s != null) {
          s.close();
        }
      } else if (server == null && !closing) {
        rebind(20);
      }
    });
  }

  private void rebind(int triesLeft) {
    listen(port).onFailure(e -> {
      if (triesLeft > 0 && !closing) {
        vertx.setTimer(50, id -> rebind(triesLeft - 1));
      }
    });
  }

  /** The fault engine of this proxy: add, remove and list faults. */
  public FaultEngine faults() {
    return engine;
  }

  /** This client's next link ordinal (its 1st, 2nd… open). */
  int nextOrdinal(int client) {
    return opensByClient.merge(client, 1, Integer::sum);
  }

  private void handle(HttpServerRequest request) {
    if (NettyAccess.of(request).channel().hasAttr(RESET_BY_FAULT)) {
      return; // reset on accept: the attempt is on the timeline already
    }
    if (request.canUpgradeToWebSocket()) {
      handshakes.handle(request);
    } else {
      httpRelay.handle(request);
    }
  }

  /** The client-facing port actually bound. */
  public int port() {
    return port;
  }

  public ProxyOptions options() {
    return options;
  }

  public Timeline timeline() {
    return timeline;
  }

  Vertx vertx() {
    return vertx;
  }

  int nextLinkNumber() {
    return linkNumbers.incrementAndGet();
  }

  /** The logical client of links on this listener; 0 until the runner assigns instances. */
  int clientNumber() {
    return 0;
  }

  void register(Link link) {
    links.put(link.id(), link);
  }

  void unregister(Link link) {
    links.remove(link.id());
  }

  /** The live link numbered {@code id}, or null; tests in this package reach a link's pipelines through it. */
  Link link(int id) {
    return links.get(id);
  }

  /** Links open right now. */
  public int liveLinks() {
    return links.size();
  }

  /** A snapshot of the live links: counters and queued bytes, read without stopping them. */
  public List<LinkStats> links() {
    List<LinkStats> out = new ArrayList<>();
    for (Link l : links.values()) {
      out.add(LinkStats.of(l));
    }
    out.sort((a, b) -> Integer.compare(a.id(), b.id()));
    return out;
  }

  /** Stops listening, closes every live link with 1001 on both legs, and waits for them to go. */
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    closing = true;
    engine.reset();
    HttpServer s = server;
    Future<Void> stopped = s == null ? Future.succeededFuture() : s.close();
    stopped.onComplete(
        ar -> {
          for (Link l : links.values()) {
            l.side(Leg.CLIENT).ctx.executor().execute(() -> l.shutdown(CloseStatus.GOING_AWAY, "proxy shutting down"));
          }
          awaitNoLinks(done, 50);
        });
    return done.future().compose(v -> wsClient.close()).compose(v -> httpClient.close());
  }

  private void awaitNoLinks(Promise<Void> done, int triesLeft) {
    if (links.isEmpty() || triesLeft == 0) {
      done.complete();
    } else {
      vertx.setTimer(20, id -> awaitNoLinks(done, triesLeft - 1));
    }
  }
}
