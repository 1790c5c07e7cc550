package io.wschaos.cli;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.wschaos.demo.FeedServer;
import io.wschaos.proxy.ProxyOptions;
import io.wschaos.proxy.ProxyServer;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.TimelineText;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.net.URI;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The first-run walkthrough behind {@code make run}: the builtin feed server, the proxy in front of
 * it, and a short client session through the proxy, then the timeline the proxy recorded.
 */
@Command(
    name = "tour",
    mixinStandardHelpOptions = true,
    description = "Start the feed server and a proxy, run a short client session through it, print the timeline, exit.")
final class TourCommand extends WschaosCommand {
  @Option(names = "--messages", defaultValue = "5", description = "Data messages the client reads and acks, 1-100 (default: ${DEFAULT-VALUE}).")
  int messages;

  // Held in fields: Vert.x 5 disposes of unreachable clients.
  private WebSocketClient wsClient;
  private HttpClient httpClient;

  TourCommand(Wiring wiring) {
    super(wiring);
  }

  @Override
  void validate() {
    // The feed sends 20 a second and the session waits 10 s: more than 100 could never all come.
    if (messages < 1 || messages > 100) {
      throw new CommandFailure(ExitCode.BAD_INPUT, "--messages: " + messages + " is not between 1 and 100");
    }
  }

  @Override
  int execute() throws Exception {
    java.io.PrintWriter out = out();
    Vertx vertx = Vertx.vertx();
    try (Timeline timeline = new Timeline(Level.PREVIEW)) {
      FeedServer feed = FeedServer.start(vertx, FeedServer.Options.defaults().withPort(0).withRate(20)).await();
      URI upstream = URI.create("ws://127.0.0.1:" + feed.port());
      ProxyServer proxy = ProxyServer.start(vertx, ProxyOptions.of(upstream), timeline).await();
      out.printf("feed server   %s/%n", upstream);
      out.printf("proxy         ws://127.0.0.1:%d/ -> %s/%n", proxy.port(), upstream);

      httpClient = vertx.createHttpClient();
      String token =
          httpClient
              .request(HttpMethod.GET, proxy.port(), "127.0.0.1", "/token?ttl=30s")
              .compose(r -> r.send().compose(resp -> resp.body()))
              .map(b -> new JsonObject(b).getString("token"))
              .await();
      out.printf("client        fetched a token over plain HTTP through the proxy%n");

      wsClient = vertx.createWebSocketClient();
      WebSocket ws =
          wsClient
              .connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(proxy.port()).setURI("/feed?token=" + token))
              .await();
      session(ws).await(Duration.ofSeconds(10).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      ws.close((short) 1000, "tour done").await();
      out.printf("client        read %d data messages and acked each, ping -> pong, an echo, closed with 1000%n", messages);
      proxy.close().await();
      feed.close().await();

      out.printf("%ntimeline recorded by the proxy (%d events):%n", timeline.events().size());
      for (Event e : timeline.events()) {
        out.println("  " + TimelineText.line(e));
      }
    } finally {
      out.flush();
      vertx.close().await();
    }
    return ExitCode.OK.code();
  }

  /** Reads {@code messages} data messages, acks each, then a ping and an echo. */
  private Future<Void> session(WebSocket ws) {
    Promise<Void> done = Promise.promise();
    int[] seen = new int[1];
    ws.textMessageHandler(
        text -> {
          JsonObject m = new JsonObject(text);
          String type = m.getString("type", "");
          if ("data".equals(type) && seen[0] < messages) {
            ws.writeTextMessage(new JsonObject().put("type", "ack").put("seq", m.getLong("seq")).encode());
            if (++seen[0] == messages) {
              ws.writeTextMessage(new JsonObject().put("type", "ping").put("id", "tour-1").encode());
            }
          } else if ("pong".equals(type)) {
            ws.writeTextMessage(new JsonObject().put("type", "hello").put("from", "tour").encode());
          } else if ("hello".equals(type)) {
            done.tryComplete();
          }
        });
    return done.future();
  }
}
