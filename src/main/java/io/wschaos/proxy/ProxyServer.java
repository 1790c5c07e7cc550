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
import io.wschaos.frame.CloseStatus;
import io.wschaos.frame.Leg;
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
  private HttpServer server;

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
    proxy.server = vertx.createHttpServer(serverOptions).requestHandler(proxy::handle);
    return proxy.server.listen().map(s -> proxy);
  }

  private void handle(HttpServerRequest request) {
    if (request.canUpgradeToWebSocket()) {
      handshakes.handle(request);
    } else {
      httpRelay.handle(request);
    }
  }

  /** The client-facing port actually bound. */
  public int port() {
    return server.actualPort();
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
    Future<Void> stopped = server == null ? Future.succeededFuture() : server.close();
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
