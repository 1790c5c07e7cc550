package io.wschaos.runner;

import io.vertx.core.Vertx;
import io.wschaos.demo.FeedServer;
import io.wschaos.demo.SequenceLog;
import io.wschaos.fault.ServerControl;
import io.wschaos.spec.Durations;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Timeline;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The builtin {@code feed} server in this JVM, on a free port. restart_server closes it (clients get
 * 1001), waits {@code down_for}, and starts it again on the same port with the same {@link
 * SequenceLog}, so the sequence continues; the signal has no meaning here and is only recorded.
 */
final class BuiltinUpstream implements Upstream, ServerControl {
  private static final long START_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final Timeline timeline;
  private final RestartGate restarts; // guarded by this
  private final FeedServer.Options options;
  private final Consumer<String> failed;
  private final int port;
  private final SequenceLog log;
  private FeedServer server; // guarded by this
  private boolean stopped; // guarded by this

  private BuiltinUpstream(Vertx vertx, Timeline timeline, FeedServer.Options options, Consumer<String> failed, FeedServer server) {
    this.vertx = vertx;
    this.timeline = timeline;
    this.restarts = new RestartGate(timeline, "wschaos-restart-feed");
    this.options = options.withPort(server.port());
    this.failed = failed;
    this.server = server;
    this.port = server.port();
    this.log = server.log();
  }

  /**
   * @param options {@code rate} (messages/s), {@code resend_after} (a duration), {@code require_token}
   * @param failed told why, when a restart could not bring the server back (an environment error)
   */
  static BuiltinUpstream start(Vertx vertx, String name, Map<String, Object> options, Timeline timeline, Consumer<String> failed)
      throws EnvironmentException {
    if (!"feed".equals(name)) {
      throw new EnvironmentException("unknown builtin server '" + name + "' (builtin servers: feed)");
    }
    FeedServer.Options o;
    try {
      o = feedOptions(options == null ? Map.of() : options);
    } catch (IllegalArgumentException e) {
      throw new EnvironmentException("server.options: " + e.getMessage(), e);
    }
    FeedServer s;
    try {
      s = FeedServer.start(vertx, o).await(START_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new EnvironmentException("the builtin feed server did not start: " + io.wschaos.spec.Failures.describe(e), e);
    }
    BuiltinUpstream up = new BuiltinUpstream(vertx, timeline, o, failed, s);
    timeline.record(0, 0, new EventBody.ServerProcess("started", null, null, "builtin feed on " + Ports.HOST + ":" + up.port));
    timeline.record(0, 0, new EventBody.ServerProcess("ready", null, null, Ports.HOST + ":" + up.port + " accepts connections"));
    return up;
  }

  static FeedServer.Options feedOptions(Map<String, Object> options) {
    FeedServer.Options o = FeedServer.Options.defaults().withPort(0).withHost(Ports.HOST);
    for (Map.Entry<String, Object> e : options.entrySet()) {
      Object v = e.getValue();
      switch (e.getKey()) {
        case "rate" -> {
          if (!(v instanceof Number n)) {
            throw new IllegalArgumentException("rate: " + v + " is not a number of messages per second");
          }
          o = o.withRate(n.doubleValue());
        }
        case "resend_after" -> o = o.withResendAfter(v == null ? null : v instanceof Duration d ? d : Durations.parse(String.valueOf(v)));
        case "require_token" -> {
          if (!(v instanceof Boolean b)) {
            throw new IllegalArgumentException("require_token: " + v + " is not true or false");
          }
          o = o.withRequireToken(b);
        }
        default -> throw new IllegalArgumentException("unknown option '" + e.getKey() + "' (feed options: rate, resend_after, require_token)");
      }
    }
    return o;
  }

  @Override
  public URI uri() {
    return URI.create("ws://" + Ports.HOST + ":" + port + "/");
  }

  @Override
  public ServerControl control() {
    return this;
  }

  @Override
  public synchronized void restart(Duration downFor, String signal) {
    restarts.start(stopped, () -> doRestart(downFor, signal));
  }

  private void doRestart(Duration downFor, String signal) {
    FeedServer old;
    synchronized (this) {
      if (stopped) {
        return;
      }
      old = server;
      server = null;
    }
    timeline.record(0, 0, new EventBody.ServerProcess("stopped", null, null, "restart_server (signal " + signal + " stands for closing the builtin server)"));
    try {
      old.close().await(5, TimeUnit.SECONDS);
      Thread.sleep(downFor.toMillis());
    } catch (InterruptedException e) {
      return; // teardown
    } catch (Exception e) {
      // closed as far as it goes; start again anyway
    }
    FeedServer again;
    try {
      again = FeedServer.start(vertx, options, log).await(START_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      synchronized (this) {
        if (!stopped) {
          failed.accept("the builtin feed server did not start again on port " + port + " after restart_server: " + io.wschaos.spec.Failures.describe(e));
        }
      }
      return;
    }
    synchronized (this) {
      if (!stopped) {
        server = again;
        again = null;
      }
    }
    if (again != null) {
      again.close(); // the run ended meanwhile
      return;
    }
    timeline.record(0, 0, new EventBody.ServerProcess("restarted", null, null, Ports.HOST + ":" + port + " accepts connections again"));
  }

  @Override
  public void stop() {
    FeedServer s;
    Thread r;
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
      s = server;
      server = null;
      r = restarts.thread();
    }
    if (r != null) {
      r.interrupt();
    }
    if (s != null) {
      try {
        s.close().await(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        // the JVM's Vert.x goes away with the suite
      }
    }
    timeline.record(0, 0, new EventBody.ServerProcess("stopped", null, null, "builtin feed"));
  }
}
