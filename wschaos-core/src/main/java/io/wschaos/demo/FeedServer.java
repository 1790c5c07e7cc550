package io.wschaos.demo;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The builtin {@code feed} server: a small, realistic WebSocket server for wschaos to break.
 *
 * <p>It produces data messages {@code {"type":"data","seq":N,"ts":…}} into one server-wide {@link
 * SequenceLog} at {@link Options#rate()} per second and broadcasts them to every connection, resumes
 * from {@code ?lastSeq=N}, resends unacked data, answers application pings, can require a token and
 * echoes anything else. docs/feed-protocol.md is the exact protocol.
 *
 * <p>All work runs on one event loop, the context {@link #start} is called on (or a new one when
 * called from a non-Vert.x thread); call it from an event loop, not a worker. Nothing blocks it.
 */
public final class FeedServer {
  private static final Logger LOG = LoggerFactory.getLogger(FeedServer.class);

  /** How long {@link #close()} waits for clients to answer its 1001 close before dropping them. */
  private static final long CLOSE_GRACE_MS = 2_000;

  /**
   * How the feed server listens and behaves.
   *
   * @param port 0 picks a free port
   * @param host the address to bind (loopback by default)
   * @param rate data messages per second, broadcast to every connection; 0 sends none; at most
   *     10 000
   * @param resendAfter resend a data message not acked that long after it was sent; null = never
   * @param requireToken handshakes must carry a valid {@code ?token=} from {@code GET /token}
   * @param stateFile where the next seq and the token key are persisted across a process restart;
   *     null = nothing persisted
   */
  public record Options(
      int port, String host, double rate, Duration resendAfter, boolean requireToken, Path stateFile) {
    public static final int DEFAULT_PORT = 9000;
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final double DEFAULT_RATE = 10;
    public static final double MAX_RATE = 10_000;

    public Options {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be 0-65535, got " + port);
      }
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("host must not be empty");
      }
      if (!(rate >= 0 && rate <= MAX_RATE)) {
        throw new IllegalArgumentException("rate must be between 0 and " + (int) MAX_RATE + " per second, got " + rate);
      }
      if (resendAfter != null && (resendAfter.isNegative() || resendAfter.toMillis() < 1)) {
        throw new IllegalArgumentException("resendAfter must be at least 1ms (or absent for never), got " + resendAfter);
      }
    }

    /** Port 9000 on 127.0.0.1, 10 messages/s, no resend, no token, no state file. */
    public static Options defaults() {
      return new Options(DEFAULT_PORT, DEFAULT_HOST, DEFAULT_RATE, null, false, null);
    }

    public Options withPort(int port) {
      return new Options(port, host, rate, resendAfter, requireToken, stateFile);
    }

    public Options withHost(String host) {
      return new Options(port, host, rate, resendAfter, requireToken, stateFile);
    }

    public Options withRate(double rate) {
      return new Options(port, host, rate, resendAfter, requireToken, stateFile);
    }

    /** null turns resending off. */
    public Options withResendAfter(Duration resendAfter) {
      return new Options(port, host, rate, resendAfter, requireToken, stateFile);
    }

    public Options withRequireToken(boolean requireToken) {
      return new Options(port, host, rate, resendAfter, requireToken, stateFile);
    }

    /** null persists nothing. */
    public Options withStateFile(Path stateFile) {
      return new Options(port, host, rate, resendAfter, requireToken, stateFile);
    }
  }

  private final Vertx vertx;
  private final Context context;
  private final Options options;
  private final SequenceLog log;
  private final Tokens tokens;
  private final byte[] tokenKey;
  private final StateFile stateFile;
  private final Set<FeedConnection> connections = ConcurrentHashMap.newKeySet();
  private HttpServer http;

  // the producer; touched on the server's event loop only
  private long producerTimer = -1;
  private long producerStartNanos;
  private long produced;
  private long reservedUpTo;
  private Future<Void> closed;

  private FeedServer(
      Vertx vertx, Context context, Options options, SequenceLog log, byte[] tokenKey, StateFile stateFile) {
    this.vertx = vertx;
    this.context = context;
    this.options = options;
    this.log = log;
    this.tokenKey = tokenKey;
    this.tokens = new Tokens(tokenKey);
    this.stateFile = stateFile;
  }

  /** Starts with a fresh {@link SequenceLog} (or the one the state file describes). */
  public static Future<FeedServer> start(Vertx vertx, Options options) {
    return start(vertx, options, null);
  }

  /**
   * Starts on an externally owned log, so that a restarted server in the same JVM continues the
   * same sequence and can replay what it produced before. With a state file too, the log's head is
   * moved up to the saved next seq if that is further.
   *
   * @param log null for a fresh one
   */
  public static Future<FeedServer> start(Vertx vertx, Options options, SequenceLog log) {
    Context context = vertx.getOrCreateContext();
    Promise<FeedServer> started = Promise.promise();
    context.runOnContext(v -> doStart(vertx, context, options, log).onComplete(started));
    return started.future();
  }

  private static Future<FeedServer> doStart(Vertx vertx, Context context, Options options, SequenceLog given) {
    SequenceLog log = given != null ? given : new SequenceLog();
    if (options.stateFile() == null) {
      return new FeedServer(vertx, context, options, log, Tokens.jvmKey(), null).listen();
    }
    StateFile file = new StateFile(vertx, options.stateFile());
    return file.load()
        .compose(
            state -> {
              byte[] key = Tokens.jvmKey();
              if (state != null) {
                log.advanceTo(state.nextSeq());
                key = state.tokenKey();
              }
              FeedServer server = new FeedServer(vertx, context, options, log, key, file);
              return server.reserve().compose(ok -> server.listen());
            });
  }

  /** The port actually bound. */
  public int port() {
    return http.actualPort();
  }

  /** The sequence log this server appends to; hand it to the next {@link #start} to continue it. */
  public SequenceLog log() {
    return log;
  }

  /** Connections open right now. */
  public int connectionCount() {
    return connections.size();
  }

  /**
   * Stops producing, closes every connection with 1001 "server shutting down" (waiting up to 2 s
   * for the clients' close frames), stops listening and saves the state file. Idempotent.
   */
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    context.runOnContext(v -> doClose().onComplete(done));
    return done.future();
  }

  private Future<Void> doClose() {
    if (closed != null) {
      return closed;
    }
    if (producerTimer != -1) {
      vertx.cancelTimer(producerTimer);
      producerTimer = -1;
    }
    List<Future<Void>> goodbyes = new ArrayList<>();
    for (FeedConnection c : connections) {
      goodbyes.add(c.shutdown());
    }
    Promise<Void> graceOver = Promise.promise();
    long graceTimer = vertx.setTimer(CLOSE_GRACE_MS, id -> graceOver.tryComplete());
    Future.join(goodbyes).onComplete(ar -> graceOver.tryComplete());
    closed =
        graceOver
            .future()
            .compose(
                v -> {
                  vertx.cancelTimer(graceTimer);
                  return http.close();
                })
            .compose(
                v ->
                    stateFile == null
                        ? Future.<Void>succeededFuture()
                        : stateFile.save(new StateFile.State(log.nextSeq(), tokenKey)))
            .onSuccess(v -> LOG.info("feed server on port {} stopped at seq {}", http.actualPort(), log.nextSeq()));
    return closed;
  }

  private Future<FeedServer> listen() {
    HttpServerOptions httpOptions =
        new HttpServerOptions().setHost(options.host()).setPort(options.port());
    http = vertx.createHttpServer(httpOptions).requestHandler(this::handle);
    return http.listen()
        .map(
            s -> {
              startProducer();
              LOG.info(
                  "feed server listening on {}:{} (rate {}/s, resend {}, token {}, next seq {})",
                  options.host(),
                  s.actualPort(),
                  options.rate(),
                  options.resendAfter() == null ? "off" : options.resendAfter(),
                  options.requireToken() ? "required" : "not required",
                  log.nextSeq());
              return this;
            });
  }

  private void handle(HttpServerRequest req) {
    if (closed != null) {
      reply(req, 503, "server shutting down");
    } else if (req.canUpgradeToWebSocket()) {
      handshake(req);
    } else if ("/token".equals(req.path())) {
      if (req.method() == HttpMethod.GET) {
        mintToken(req);
      } else {
        req.response().putHeader(HttpHeaders.ALLOW, "GET");
        reply(req, 405, "use GET /token");
      }
    } else {
      reply(req, 404, "not found: the feed is a WebSocket on any path; tokens come from GET /token");
    }
  }

  private void handshake(HttpServerRequest req) {
    String lastSeqParam = req.getParam("lastSeq");
    long lastSeq = -1;
    if (lastSeqParam != null) {
      try {
        lastSeq = Long.parseLong(lastSeqParam);
      } catch (NumberFormatException e) {
        lastSeq = -1;
      }
      if (lastSeq < 0) {
        reply(req, 400, "lastSeq must be an integer of at least 0, got '" + lastSeqParam + "'");
        return;
      }
    }
    Tokens.Claims claims = null;
    if (options.requireToken()) {
      String token = req.getParam("token");
      if (token == null || token.isEmpty()) {
        reply(req, 401, "missing token: get one from GET /token and pass it as ?token=");
        return;
      }
      claims = tokens.verify(token);
      if (claims == null) {
        reply(req, 401, "invalid token");
        return;
      }
    }
    boolean resume = lastSeqParam != null;
    long resumeAfter = lastSeq;
    Tokens.Claims auth = claims;
    req.toWebSocket()
        .onSuccess(ws -> open(ws, resume, resumeAfter, auth))
        .onFailure(t -> LOG.debug("feed handshake failed: {}", t.toString()));
  }

  private void open(ServerWebSocket ws, boolean resume, long lastSeq, Tokens.Claims claims) {
    if (closed != null) { // the upgrade finished while the server was closing
      ws.close((short) 1001, "server shutting down");
      return;
    }
    long head = log.nextSeq();
    // no lastSeq: the next new message; lastSeq=N: N+1, unless N+1 is not produced yet (then live)
    long first = !resume || lastSeq >= head ? head : lastSeq + 1;
    long resendMs = options.resendAfter() == null ? 0 : options.resendAfter().toMillis();
    FeedConnection[] self = new FeedConnection[1];
    self[0] = new FeedConnection(vertx, ws, log, first, resendMs, () -> connections.remove(self[0]));
    connections.add(self[0]);
    LOG.debug("feed connection from {} starts at seq {}", ws.remoteAddress(), first);
    self[0].start(claims);
  }

  private void mintToken(HttpServerRequest req) {
    Duration ttl = Tokens.DEFAULT_TTL;
    String ttlParam = req.getParam("ttl");
    if (ttlParam != null) {
      try {
        ttl = Tokens.parseTtl(ttlParam);
      } catch (IllegalArgumentException e) {
        reply(req, 400, e.getMessage());
        return;
      }
    }
    String scope = req.getParam("scope", Tokens.SCOPE_FEED);
    if (!Tokens.SCOPE_FEED.equals(scope) && !Tokens.SCOPE_FORBIDDEN.equals(scope)) {
      reply(req, 400, "scope must be 'feed' or 'forbidden', got '" + scope + "'");
      return;
    }
    long expiresAt = System.currentTimeMillis() + ttl.toMillis();
    ObjectNode body =
        JsonNodeFactory.instance
            .objectNode()
            .put("token", tokens.mint(scope, expiresAt))
            .put("expiresAt", expiresAt)
            .put("scope", scope);
    req.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .end(body.toString());
  }

  private static void reply(HttpServerRequest req, int status, String error) {
    req.response()
        .setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .end(JsonNodeFactory.instance.objectNode().put("error", error).toString());
  }

  // --- the producer -------------------------------------------------------------------------

  private void startProducer() {
    if (options.rate() <= 0) {
      return;
    }
    producerStartNanos = System.nanoTime();
    produced = 0;
    scheduleProduce();
  }

  /** One timer for the next message's exact due time, so non-integer periods keep the rate. */
  private void scheduleProduce() {
    long dueNanos = producerStartNanos + (long) ((produced + 1) * 1e9 / options.rate());
    long delayMs = Math.max(1, (dueNanos - System.nanoTime() + 999_999) / 1_000_000);
    producerTimer =
        vertx.setTimer(
            delayMs,
            id -> {
              producerTimer = -1;
              produce();
            });
  }

  private void produce() {
    if (closed != null) {
      return;
    }
    long due = (long) Math.floor((System.nanoTime() - producerStartNanos) * options.rate() / 1e9);
    long burst = Math.max(1, (long) Math.ceil(options.rate())); // after a stall, at most 1 s worth
    if (due - produced > burst) {
      produced = due - burst;
    }
    boolean any = due > produced;
    while (produced < due) {
      log.append(System.currentTimeMillis());
      produced++;
    }
    if (any) {
      for (FeedConnection c : connections) {
        c.pump();
      }
      if (stateFile != null && log.nextSeq() + reserveBlock() / 2 >= reservedUpTo) {
        // At start a failed save fails start() (one line from the caller); later it is only logged.
        reserve().onFailure(t -> LOG.warn("could not save feed state to {}: {}", stateFile.path(), t.getMessage()));
      }
    }
    scheduleProduce();
  }

  // --- the state file -------------------------------------------------------------------------

  /**
   * Persists a next seq one block ahead of the head, so that after a crash the restarted server
   * skips a few seqs rather than reusing one; {@link #close()} then saves the exact head.
   */
  private Future<Void> reserve() {
    reservedUpTo = log.nextSeq() + reserveBlock();
    return stateFile.save(new StateFile.State(reservedUpTo, tokenKey));
  }

  /** Two seconds' worth of messages, at least 16. */
  private long reserveBlock() {
    return Math.max(16, (long) Math.ceil(options.rate() * 2));
  }
}
