package io.wschaos.proxy;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real Vert.x upstream for relay tests: echoes every data frame as it came (type and FIN kept),
 * and obeys a few text commands: {@code close CODE REASON}, {@code fragment}, {@code handshake}.
 * It remembers what it received: request URIs and headers, data frames, close codes.
 */
final class EchoUpstream {
  /** A data frame as the upstream received it. */
  record Seen(WebSocketFrameType type, boolean fin, byte[] data) {
    @Override
    public String toString() {
      return type + (fin ? "(fin)" : "(more)") + " " + data.length + " bytes";
    }
  }

  final HttpServer server;
  final List<String> closes = new CopyOnWriteArrayList<>();
  final List<MultiMap> handshakeHeaders = new CopyOnWriteArrayList<>();
  /** The request URI (path and query) of every request, upgrade or not, in order. */
  final List<String> uris = new CopyOnWriteArrayList<>();
  final List<Seen> frames = new CopyOnWriteArrayList<>();
  volatile int rejectStatus;

  private EchoUpstream(HttpServer server) {
    this.server = server;
  }

  static Future<EchoUpstream> start(Vertx vertx) {
    HttpServerOptions opts =
        new HttpServerOptions()
            .setHost("127.0.0.1")
            .setPort(0)
            .setMaxWebSocketFrameSize(32 * 1024 * 1024)
            .setMaxWebSocketMessageSize(64 * 1024 * 1024)
            .addWebSocketSubProtocol("chat.v2")
            .addWebSocketSubProtocol("chat.v1");
    HttpServer s = vertx.createHttpServer(opts);
    EchoUpstream up = new EchoUpstream(s);
    s.requestHandler(
        req -> {
          up.handshakeHeaders.add(req.headers());
          up.uris.add(req.uri());
          if (up.rejectStatus != 0) {
            req.response()
                .setStatusCode(up.rejectStatus)
                .putHeader("Retry-After", "7")
                .putHeader("X-Reason", "maintenance")
                .end("go away " + up.rejectStatus);
            return;
          }
          if (!req.canUpgradeToWebSocket()) {
            req.body().onSuccess(b -> req.response().putHeader("X-Upstream", "yes").end("http:" + req.method() + ":" + req.uri() + ":" + b));
            return;
          }
          String uri = req.uri();
          req.toWebSocket().onSuccess(ws -> up.serve(ws, uri));
        });
    return s.listen().map(x -> up);
  }

  int port() {
    return server.actualPort();
  }

  private void serve(ServerWebSocket ws, String uri) {
    ws.frameHandler(
        f -> {
          if (f.isText() || f.isBinary() || f.isContinuation()) {
            frames.add(new Seen(f.type(), f.isFinal(), f.binaryData().getBytes()));
          }
          switch (f.type()) {
            case TEXT -> {
              String t = f.textData();
              if (f.isFinal() && t.startsWith("close ")) {
                String[] p = t.split(" ", 3);
                ws.close(Short.parseShort(p[1]), p.length > 2 ? p[2] : null);
              } else if (f.isFinal() && t.equals("fragment")) {
                ws.writeFrame(WebSocketFrame.textFrame("one-", false));
                ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("two-"), false));
                ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("three"), true));
              } else if (f.isFinal() && t.equals("handshake")) {
                JsonObject o = new JsonObject().put("uri", uri).put("subprotocol", ws.subProtocol());
                ws.headers().forEach(h -> o.put(h.getKey().toLowerCase(), h.getValue()));
                ws.writeTextMessage(o.encode());
              } else {
                ws.writeFrame(WebSocketFrame.textFrame(t, f.isFinal()));
              }
            }
            case BINARY -> ws.writeFrame(WebSocketFrame.binaryFrame(f.binaryData(), f.isFinal()));
            case CONTINUATION -> ws.writeFrame(WebSocketFrame.continuationFrame(f.binaryData(), f.isFinal()));
            default -> {}
          }
        });
    ws.closeHandler(v -> closes.add(ws.closeStatusCode() + " " + ws.closeReason()));
  }

  Future<Void> close() {
    return server.close();
  }
}
