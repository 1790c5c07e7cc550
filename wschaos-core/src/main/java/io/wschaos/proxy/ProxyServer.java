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
 *
 * <p>It listens on one client-facing port, or, for the runner, on one port per logical client
 * ({@link ProxyOptions#withInstances}): what arrives on instance i's port is recorded with
 * {@code client = i}. Links, faults and the timeline are shared by all of them.
 */
public final class ProxyServer {
  /** Marks a connection a fault resets as soon as its request head is read. */
  private static final AttributeKey<PendingReset> RESET_BY_FAULT = AttributeKey.valueOf("wschaos.resetByFault");
  private final Vertx vertx;
  private final ProxyOptions options;
  private final Timeline timeline;
  private final AtomicInteger linkNumbers;
  private final Map<Integer, Link> links = new ConcurrentHashMap<>();
  // Held in fields on purpose: Vert.x 5 disposes of unreachable clients, links and all.
  private final WebSocketClient wsClient;
  private final HttpClient httpClient;
  private final HandshakeRelay handshakes;
  private final HttpRelay httpRelay;
  private final FaultEngine engine;
  private final Map<Integer, Integer> opensByClient = new ConcurrentHashMap<>();
  private HttpServerOptions serverOptions;
  /**
   * The listening servers of each instance (index instance - 1), one per event loop, all on the
   * instance's port (Vert.x hands accepted connections to them in turn); null while refusing.
   * Guarded by itself.
   */
  private final HttpServer[][] servers;
  private static final AtomicInteger SHARED_RANDOM_PORTS = new AtomicInteger(-1_000);
  private final int[] ports;
  private volatile boolean closing;

  private ProxyServer(Vertx vertx, ProxyOptions options, Timeline timeline, AtomicInteger linkNumbers) {
    this.vertx = vertx;
    this.linkNumbers = linkNumbers;
    this.options = options;
    this.timeline = timeline;
    this.servers = new HttpServer[options.listeners()][];
    this.ports = new int[options.listeners()];
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

  /** Starts listening; completes once every port accepts connections. */
  public static Future<ProxyServer> start(Vertx vertx, ProxyOptions options, Timeline timeline) {
    return start(vertx, options, timeline, new AtomicInteger());
  }

  /**
   * Starts a proxy that numbers its links from {@code linkNumbers}, a counter it shares with other
   * proxies recording on the same timeline (the Toxiproxy API's proxies), so link numbers stay unique.
   */
  public static Future<ProxyServer> start(Vertx vertx, ProxyOptions options, Timeline timeline, AtomicInteger linkNumbers) {
    ProxyServer proxy = new ProxyServer(vertx, options, timeline, linkNumbers);
    HttpServerOptions serverOptions =
        new HttpServerOptions()
            .setHost(options.listenHost())
            .setPort(options.listenPort())
            .setTcpNoDelay(true)
            .setMaxWebSocketFrameSize(options.maxFrameBytes())
            .setMaxWebSocketMessageSize(Integer.MAX_VALUE)
            .setPerMessageWebSocketCompressionSupported(false)
            .setPerFrameWebSocketCompressionSupported(false)
            .setRegisterWebSocketWriteHandlers(false)
            // HTTP/1.1 only: with h2c on, Vert.x sets a connection up only once its first bytes
            // show it is not HTTP/2, so a client that sends nothing would escape the head watch.
            .setHttp2ClearTextEnabled(false);
    proxy.serverOptions = serverOptions;
    List<Future<HttpServer>> all = new ArrayList<>();
    for (int i = 0; i < proxy.servers.length; i++) {
      all.add(proxy.listen(i, options.listenPort()));
    }
    return Future.all(all)
        .map(ok -> proxy)
        .recover(e -> proxy.close().transform(closed -> Future.<ProxyServer>failedFuture(e)));
  }

  /**
   * Listens for instance {@code index + 1} on {@code onPort} (0: a free one) with one server per
   * event loop: the first binds the port, the others join it, each from its own event-loop
   * context, so links spread over the loops (a single server would put every link on one thread).
   */
  private Future<HttpServer> listen(int index, int onPort) {
    int client = options.instances() == 0 ? 0 : index + 1;
    // Vert.x shares a listening socket among servers that listen on the same port; for a free port
    // the key is a negative number ("a shared random port"), unique to this group.
    int port = onPort == 0 ? SHARED_RANDOM_PORTS.decrementAndGet() : onPort;
    return listenOn(NettyAccess.newEventLoopContext(vertx), client, port)
        .compose(first -> {
          List<Future<HttpServer>> more = new ArrayList<>();
          for (int i = 1; i < options.eventLoops(); i++) {
            more.add(listenOn(NettyAccess.newEventLoopContext(vertx), client, port));
          }
          return Future.all(more).map(all -> {
            HttpServer[] group = new HttpServer[options.eventLoops()];
            group[0] = first;
            for (int i = 1; i < group.length; i++) {
              group[i] = all.resultAt(i - 1);
            }
            return group;
          });
        })
        .compose(group -> {
          synchronized (servers) {
            if (!closing) {
              servers[index] = group;
              ports[index] = group[0].actualPort();
              return Future.succeededFuture(group[0]);
            }
          }
          closeAll(group); // a rebind that finished after close()
          return Future.succeededFuture(group[0]);
        });
  }

  private Future<HttpServer> listenOn(io.vertx.core.Context context, int client, int onPort) {
    io.vertx.core.Promise<HttpServer> bound = io.vertx.core.Promise.promise();
    context.runOnContext(v ->
        vertx
            .createHttpServer(new HttpServerOptions(serverOptions).setPort(onPort))
            .connectionHandler(conn -> onAccept(conn, client))
            .requestHandler(req -> handle(req, client))
            .listen()
            .onComplete(bound));
    return bound.future();
  }

  private static Future<Void> closeAll(HttpServer[] group) {
    List<Future<Void>> closes = new ArrayList<>();
    for (HttpServer s : group) {
      if (s != null) {
        closes.add(s.close());
      }
    }
    return Future.all(closes).mapEmpty();
  }

  /**
   * A TCP connection was handed over: without a fault it has the handshake timeout to send its
   * request head (no attempt is recorded before that head, so a connection timed out leaves nothing
   * on the timeline). A server_down in reset mode kills it, and it counts as an attempt carrying the
   * path and query of its request head, like any other (reconnect chains are per socket, and a
   * process's sockets differ by path). A client sends its head right after connecting; one whose
   * head has not completed within {@link #RESET_HEAD_WAIT_MS} is reset anyway, an attempt without a
   * path, as is one that leaves first.
   */
  private void onAccept(io.vertx.core.http.HttpConnection conn, int client) {
    String fault = engine.onAccept();
    if (fault == null) {
      NettyAccess.watchHead(conn, options.headTimeout().toMillis());
    } else {
      PendingReset pending = new PendingReset(conn, client, fault);
      // Vert.x serves a request even once the channel is closed: the mark makes handle() take it here.
      var ch = NettyAccess.of(conn).channel();
      ch.attr(RESET_BY_FAULT).set(pending);
      pending.timer = ch.eventLoop().schedule(() -> pending.reset(null), RESET_HEAD_WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
      conn.closeHandler(v -> pending.reset(null)); // the client left first: still an attempt
    }
  }

  /** How long a connection server_down resets may take to send its request head. */
  static final long RESET_HEAD_WAIT_MS = 500;

  /** A connection a server_down resets once its request head is read, or the wait is over. */
  private final class PendingReset {
    private final io.vertx.core.http.HttpConnection conn;
    private final int client;
    private final String fault;
    private java.util.concurrent.Future<?> timer;
    private boolean done; // all calls come on the connection's event loop

    PendingReset(io.vertx.core.http.HttpConnection conn, int client, String fault) {
      this.conn = conn;
      this.client = client;
      this.fault = fault;
    }

    /** Records the attempt ({@code request}'s path and headers, or none) and resets the TCP connection. */
    void reset(HttpServerRequest request) {
      if (done) {
        return;
      }
      done = true;
      if (timer != null) {
        timer.cancel(false);
      }
      EventBody.Attempt attempt =
          request != null
              ? HandshakeRelay.attemptOf(request)
              : new EventBody.Attempt(String.valueOf(conn.remoteAddress()), null, null, Map.of(), java.util.List.of(), null);
      int link = recordAttempt(client, attempt);
      timeline.record(link, client, new EventBody.Abort(Leg.CLIENT, "proxy", "reset", fault, "server down"));
      var ch = NettyAccess.of(conn).channel();
      if (ch.isOpen()) {
        ch.config().setOption(ChannelOption.SO_LINGER, 0);
        ch.close();
      }
    }
  }

  /**
   * A server_down in refuse mode closes every listening socket so the kernel refuses connections;
   * links already open live on (their channels no longer answer to the Vert.x server). Reopening
   * binds each port again, retrying while the kernel still holds it.
   */
  private void refuse(boolean refuse) {
    vertx.runOnContext(v -> {
      for (int i = 0; i < servers.length; i++) {
        HttpServer[] s;
        boolean reopen;
        synchronized (servers) {
          s = refuse ? servers[i] : null;
          if (refuse) {
            servers[i] = null;
          }
          reopen = !refuse && servers[i] == null && !closing;
        }
        if (s != null) {
          closeAll(s);
        }
        if (reopen) {
          rebind(i, 20);
        }
      }
    });
  }

  private void rebind(int index, int triesLeft) {
    listen(index, ports[index]).onFailure(e -> {
      if (triesLeft > 0 && !closing) {
        vertx.setTimer(50, id -> rebind(index, triesLeft - 1));
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

  private void handle(HttpServerRequest request, int client) {
    PendingReset pending = NettyAccess.of(request).channel().attr(RESET_BY_FAULT).get();
    if (pending != null) {
      pending.reset(request);
      return;
    }
    NettyAccess.headRead(request);
    if (request.canUpgradeToWebSocket()) {
      handshakes.handle(request, client);
    } else {
      httpRelay.handle(request, client);
    }
  }

  /** The client-facing port actually bound: the only one, or instance 1's. */
  public int port() {
    return ports[0];
  }

  /**
   * The client-facing port of logical client {@code instance} (1..instances); in proxy mode
   * (instances 0) instance 1 names the only port.
   */
  public int port(int instance) {
    if (instance < 1 || instance > ports.length) {
      throw new IllegalArgumentException("no instance " + instance + " (this proxy has " + ports.length + ")");
    }
    return ports[instance - 1];
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

  /**
   * Numbers a new attempt and records it in one step, so that link numbers follow the order of
   * attempts on the timeline even with several event loops accepting at once.
   */
  synchronized int recordAttempt(int client, EventBody.Attempt attempt) {
    int link = nextLinkNumber();
    timeline.record(link, client, attempt);
    return link;
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
    List<Future<Void>> closes = new ArrayList<>();
    synchronized (servers) {
      for (int i = 0; i < servers.length; i++) {
        if (servers[i] != null) {
          closes.add(closeAll(servers[i]));
          servers[i] = null;
        }
      }
    }
    Future.join(closes).onComplete(
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
