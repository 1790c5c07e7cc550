package io.wschaos.embed;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.wschaos.demo.FeedServer;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The builtin feed server (docs/feed-protocol.md) started from Java, on 127.0.0.1 and a free port
 * unless told otherwise: data {@code {"type":"data","seq":N,…}} at {@code rate} per second, acks,
 * resumption from {@code ?lastSeq=N}, application pings, echo. For examples and tests:
 * {@code try (Feed feed = WsChaos.feed().rate(20).start()) { … feed.url() … }}.
 */
public final class Feed implements AutoCloseable {
  private final Vertx vertx;
  private final FeedServer server;

  private Feed(Vertx vertx, FeedServer server) {
    this.vertx = vertx;
    this.server = server;
  }

  /** Settings; {@link #start()} starts it. */
  public static final class Builder {
    private FeedServer.Options options = FeedServer.Options.defaults().withPort(0);

    Builder() {}

    /** Data messages per second (default 10). */
    public Builder rate(double perSecond) {
      options = options.withRate(perSecond);
      return this;
    }

    /** Resend unacknowledged data after this long (default off). */
    public Builder resendAfter(Duration d) {
      options = options.withResendAfter(d);
      return this;
    }

    /** Require {@code ?token=} from {@code GET /token} (401 at the handshake without one). */
    public Builder requireToken(boolean require) {
      options = options.withRequireToken(require);
      return this;
    }

    /** Listen on this port (default 0: a free one). */
    public Builder port(int port) {
      options = options.withPort(port);
      return this;
    }

    /** Starts it; it accepts connections when this returns. */
    public Feed start() {
      Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1).setInternalBlockingPoolSize(1));
      try {
        return new Feed(vertx, FeedServer.start(vertx, options).await(10, TimeUnit.SECONDS));
      } catch (Exception e) {
        Closing.vertx(vertx);
        throw new IllegalStateException("the feed server could not start: " + io.wschaos.spec.Failures.describe(e), e);
      }
    }
  }

  /** {@code ws://127.0.0.1:PORT/}. */
  public URI url() {
    return URI.create("ws://127.0.0.1:" + server.port() + "/");
  }

  public int port() {
    return server.port();
  }

  /** Connections open right now. */
  public int connections() {
    return server.connectionCount();
  }

  /** Closes every connection with 1001, stops listening and stops its threads. Idempotent. */
  @Override
  public void close() {
    try {
      server.close().await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // its threads go with Vert.x below
    }
    Closing.vertx(vertx);
  }
}
