package io.wschaos.proxy;

import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.wschaos.timeline.EventBody;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Forwards a non-upgrade request on the proxy port to the upstream as plain HTTP (engine.io polling,
 * SignalR negotiate, token fetches), streaming both bodies, and records it.
 */
final class HttpRelay {
  private final ProxyServer proxy;
  private final HttpClient client;

  HttpRelay(ProxyServer proxy, HttpClient client) {
    this.proxy = proxy;
    this.client = client;
  }

  void handle(HttpServerRequest req, int clientNo) {
    req.pause();
    long start = proxy.timeline().now();
    ProxyOptions o = proxy.options();
    String invalid = HeaderPolicy.invalidTarget(HeaderPolicy.upstreamUri(o.upstreamBasePath(), req.uri()));
    if (invalid != null) {
      record(req, clientNo, 400, start);
      req.response().setStatusCode(400).putHeader("Content-Type", "text/plain; charset=utf-8").end(invalid + "\n");
      return;
    }
    RequestOptions ro =
        new RequestOptions()
            .setMethod(req.method())
            .setHost(o.upstream().getHost())
            .setPort(o.upstreamPort())
            .setSsl(o.upstreamTls())
            .setURI(HeaderPolicy.upstreamUri(o.upstreamBasePath(), req.uri()))
            .setIdleTimeout(o.upstreamTimeout().toMillis());
    String connection = req.getHeader("Connection");
    client
        .request(ro)
        .compose(
            creq -> {
              for (Map.Entry<String, String> h : req.headers()) {
                if (HeaderPolicy.forwards(h.getKey(), connection)) {
                  creq.headers().add(h.getKey(), h.getValue());
                }
              }
              if (req.getHeader("Content-Length") == null && !hasBody(req)) {
                req.resume(); // no body (RFC 9112 6.3): send none, since send(req) would add a chunked one
                return creq.send();
              }
              if (req.getHeader("Content-Length") == null && hasBody(req)) {
                creq.setChunked(true);
              }
              return creq.send(req);
            })
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                relayResponse(req, clientNo, ar.result(), start);
              } else {
                boolean timeout = ar.cause() instanceof TimeoutException || String.valueOf(ar.cause().getMessage()).contains("timeout");
                int status = timeout ? 504 : 502;
                record(req, clientNo, status, start);
                if (!req.response().ended()) {
                  req.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end("upstream " + (timeout ? "timed out" : "unreachable") + "\n");
                }
              }
            });
  }

  private static boolean hasBody(HttpServerRequest req) {
    return "chunked".equalsIgnoreCase(req.getHeader("Transfer-Encoding"));
  }

  private void relayResponse(HttpServerRequest req, int clientNo, HttpClientResponse resp, long start) {
    HttpServerResponse out = req.response();
    if (out.closed() || out.ended()) {
      // The client hung up while the upstream answered: nobody to give the reply to.
      resp.request().reset();
      proxy.timeline().record(0, clientNo, new EventBody.Http(req.method().name(), req.path(), 499, proxy.timeline().now() - start));
      return;
    }
    out.setStatusCode(resp.statusCode()).setStatusMessage(resp.statusMessage());
    String connection = resp.getHeader("Connection");
    for (Map.Entry<String, String> h : resp.headers()) {
      if (HeaderPolicy.forwards(h.getKey(), connection)) {
        out.headers().add(h.getKey(), h.getValue());
      }
    }
    if (resp.getHeader("Content-Length") == null) {
      out.setChunked(true);
    }
    resp.pipeTo(out).onComplete(ar -> record(req, clientNo, resp.statusCode(), start));
  }

  private void record(HttpServerRequest req, int clientNo, int status, long start) {
    proxy.timeline().record(0, clientNo, new EventBody.Http(req.method().name(), req.path(), status, proxy.timeline().now() - start));
  }
}
