package io.wschaos.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.wschaos.fault.FaultEntryParser;
import io.wschaos.fault.builtin.BuiltinFaults;
import io.wschaos.proxy.ProxyOptions;
import io.wschaos.proxy.ProxyServer;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Everything an API test needs, on real sockets and port 0: an echo upstream, the proxy in front of
 * it, the control API, a Vert.x WebSocket client for links and a JDK HTTP client for the API.
 */
final class ApiRig implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final Vertx vertx;
  /** The upstream and the clients live on their own Vert.x, so that the proxy's loops are the proxy's. */
  final Vertx peers;
  final Timeline timeline;
  final HttpServer upstream;
  final ProxyServer proxy;
  final ControlApi api;
  final WebSocketClient wsClient;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
  /** Close codes and reasons the upstream saw. */
  final List<String> upstreamCloses = new CopyOnWriteArrayList<>();

  /** A rig with the builtin catalogue, level meta and default API options (on port 0). */
  ApiRig() {
    this(new VertxOptions(), new Timeline(Level.META), ApiOptions.defaults().withListen("127.0.0.1", 0), new FaultEntryParser(BuiltinFaults.catalog()));
  }

  ApiRig(ApiOptions api) {
    this(new VertxOptions(), new Timeline(Level.META), api.withListen("127.0.0.1", 0), new FaultEntryParser(BuiltinFaults.catalog()));
  }

  ApiRig(VertxOptions vertxOptions, Timeline timeline, ApiOptions apiOptions, FaultEntryParser parser) {
    this.vertx = Vertx.vertx(vertxOptions);
    // The test's own clients and echo server: two loops are plenty, and leave the CPU to the proxy.
    this.peers = Vertx.vertx(new VertxOptions(vertxOptions).setEventLoopPoolSize(2));
    this.timeline = timeline;
    this.upstream = echo(peers).await();
    this.proxy = ProxyServer.start(vertx, ProxyOptions.of(URI.create("ws://127.0.0.1:" + upstream.actualPort())), timeline).await();
    this.api = ControlApi.start(vertx, proxy, apiOptions, parser).await();
    this.wsClient = peers.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(Integer.MAX_VALUE));
  }

  /** An upstream that echoes every data frame and records closes. */
  private Future<HttpServer> echo(Vertx on) {
    return on.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .webSocketHandler(ws -> {
          ws.frameHandler(f -> {
            switch (f.type()) {
              case TEXT -> ws.writeFrame(WebSocketFrame.textFrame(f.textData(), f.isFinal()));
              case BINARY -> ws.writeFrame(WebSocketFrame.binaryFrame(f.binaryData(), f.isFinal()));
              case CONTINUATION -> ws.writeFrame(WebSocketFrame.continuationFrame(f.binaryData(), f.isFinal()));
              default -> {}
            }
          });
          ws.closeHandler(v -> upstreamCloses.add(ws.closeStatusCode() + " " + ws.closeReason()));
        })
        .listen();
  }

  /** A WebSocket through the proxy. */
  WebSocket connect(String uri) {
    return wsClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(proxy.port()).setURI(uri)).await();
  }

  String base() {
    return "http://127.0.0.1:" + api.port();
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(URI.create(base() + path)).GET());
  }

  HttpResponse<String> post(String path, String json) {
    return send(HttpRequest.newBuilder(URI.create(base() + path)).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  HttpResponse<String> delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(base() + path)).DELETE());
  }

  HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(HttpResponse<String> r) {
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + r.body(), e);
    }
  }

  /**
   * Sends {@code head} (request line and headers, without the blank line) on a plain socket and
   * returns the raw response up to the end of its headers and body; for what java.net.http will not
   * send (a foreign Host header).
   */
  String raw(String head, String body) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", api.port()), 5000);
      s.setSoTimeout(5000);
      byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      String req = head + "\r\nConnection: close\r\n" + (body == null ? "" : "Content-Length: " + b.length + "\r\n") + "\r\n";
      OutputStream out = s.getOutputStream();
      out.write(req.getBytes(StandardCharsets.US_ASCII));
      out.write(b);
      out.flush();
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The status code of a raw response. */
  static int status(String rawResponse) {
    return Integer.parseInt(rawResponse.substring(9, 12));
  }

  @Override
  public void close() {
    api.close().await();
    proxy.close().await();
    vertx.close().await();
    peers.close().await();
    timeline.close();
  }
}
