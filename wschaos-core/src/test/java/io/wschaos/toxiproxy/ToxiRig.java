package io.wschaos.toxiproxy;

import io.vertx.core.Vertx;
import io.wschaos.fault.builtin.BuiltinFaults;
import io.wschaos.testsupport.NodeProcess;
import io.wschaos.testsupport.WsFixtures;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real Toxiproxy-compatible API on a free port over a real Node {@code ws} echo server, with a
 * shared timeline; raw HTTP for the exact answers.
 */
final class ToxiRig implements AutoCloseable {
  final NodeProcess upstream = WsFixtures.startServer();
  final int upstreamPort = WsFixtures.port(upstream);
  final Vertx vertx = Vertx.vertx();
  final Vertx apiVertx = Vertx.vertx();
  final Timeline timeline = new Timeline(Level.META, Timeline.Options.defaults());
  final ToxiproxyApi api;
  private final HttpClient http = HttpClient.newHttpClient();

  ToxiRig() throws Exception {
    Toxiproxies proxies = new Toxiproxies(vertx, timeline, new AtomicInteger(), 7, BuiltinFaults.catalog());
    api = ToxiproxyApi.start(apiVertx, proxies, "127.0.0.1", 0).await();
  }

  String upstreamAddress() {
    return "127.0.0.1:" + upstreamPort;
  }

  /** The port a proxy's clients connect to, once enabled. */
  int port(String proxy) {
    return api.proxies().port(proxy);
  }

  record Answer(int status, String contentType, String body) {}

  Answer call(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path));
    b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
  }

  List<Event> events() {
    return timeline.events();
  }

  @Override
  public void close() throws Exception {
    try {
      api.close().await();
    } finally {
      apiVertx.close().await();
      vertx.close().await();
      timeline.close();
      upstream.close();
    }
  }
}
