package io.wschaos.toxiproxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Toxiproxy's HTTP API (api.go of Toxiproxy 2.x) in front of {@link Toxiproxies}: the same routes,
 * JSON shapes, status codes and error bodies, so Toxiproxy clients drive wschaos unchanged
 * (docs/toxiproxy.md). Requests run one at a time, in arrival order, like the Go server's locks
 * make them.
 *
 * <pre>
 * GET  /version                      POST /reset           POST /populate
 * GET  /proxies                      POST /proxies
 * GET  /proxies/{proxy}              POST|PATCH /proxies/{proxy}     DELETE /proxies/{proxy}
 * GET  /proxies/{proxy}/toxics       POST /proxies/{proxy}/toxics
 * GET  /proxies/{proxy}/toxics/{t}   POST|PATCH /proxies/{proxy}/toxics/{t}   DELETE …/toxics/{t}
 * </pre>
 */
public final class ToxiproxyApi {
  /** What GET /version says: a Toxiproxy 2 API, served by wschaos. */
  public static final String VERSION = "2.12.0-wschaos";
  private static final long MAX_BODY = 1024 * 1024;

  private final Vertx vertx;
  private final Toxiproxies proxies;
  private HttpServer server;
  /** The request chain: each request starts once the one before it answered. */
  private Future<?> tail = Future.succeededFuture();

  private ToxiproxyApi(Vertx vertx, Toxiproxies proxies) {
    this.vertx = vertx;
    this.proxies = proxies;
  }

  /** Listens on {@code host:port} (port 0: a free one). */
  public static Future<ToxiproxyApi> start(Vertx vertx, Toxiproxies proxies, String host, int port) {
    ToxiproxyApi api = new ToxiproxyApi(vertx, proxies);
    return vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port).setTcpNoDelay(true).setHttp2ClearTextEnabled(false))
        .requestHandler(api.router())
        .listen()
        .map(s -> {
          api.server = s;
          return api;
        });
  }

  public int port() {
    return server.actualPort();
  }

  public Toxiproxies proxies() {
    return proxies;
  }

  /**
   * Populates from a JSON array of proxies, as POST /populate does (the CLI's --config): one
   * sentence of what was created, or of the error.
   */
  public Future<String> populate(String body) {
    io.vertx.core.Promise<String> done = io.vertx.core.Promise.promise();
    vertx.runOnContext(v -> {
      Future<Reply> mine = tail.transform(ignored -> {
        List<NamedProxy> created = new ArrayList<>();
        Future<List<NamedProxy>> result;
        try {
          result = proxies.populate(GoJson.parse(body), created);
        } catch (ToxiError e) {
          result = Future.failedFuture(e);
        }
        return result.transform(ar -> {
          String names = created.stream().map(p -> p.name + " (" + p.listen + " -> " + p.upstream + ")").reduce((a, b) -> a + ", " + b).orElse("none");
          done.complete(ar.succeeded() ? "proxies " + names : "error: " + ar.cause().getMessage() + "; created " + names);
          return Future.succeededFuture(new Reply(201, null));
        });
      });
      tail = mine;
    });
    return done.future();
  }

  /** Stops answering, then stops every proxy. */
  public Future<Void> close() {
    return server.close().compose(v -> proxies.close());
  }

  private record Reply(int status, JsonNode body) {}

  private Router router() {
    Router r = Router.router(vertx);
    r.route().handler(ctx -> {
      String agent = ctx.request().getHeader("User-Agent");
      if (agent != null && agent.startsWith("Mozilla/")) {
        plain(ctx, 403, "User agent not allowed\n"); // Toxiproxy's stopBrowsersMiddleware (no CSRF from pages)
      } else {
        ctx.next();
      }
    });
    r.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY));
    r.get("/version").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json;charset=utf-8")
        .end("{\"version\": \"" + VERSION + "\"}\n"));
    r.post("/reset").handler(ctx -> serial(ctx, () -> proxies.reset().map(v -> new Reply(204, null))));
    r.get("/proxies").handler(ctx -> serial(ctx, () -> {
      ObjectNode all = JsonNodeFactory.instance.objectNode();
      proxies.all().forEach(p -> all.set(p.name, p.json()));
      return Future.succeededFuture(new Reply(200, all));
    }));
    r.post("/proxies").handler(ctx -> serial(ctx, () -> proxies.create(GoJson.parse(body(ctx))).map(p -> new Reply(201, p.json()))));
    r.post("/populate").handler(ctx -> serial(ctx, () -> populate(ctx)));
    r.get("/proxies/:proxy").handler(ctx -> serial(ctx, () -> Future.succeededFuture(new Reply(200, proxies.get(ctx.pathParam("proxy")).json()))));
    r.route("/proxies/:proxy").method(HttpMethod.POST).method(HttpMethod.PATCH).handler(ctx -> serial(ctx,
        () -> proxies.update(ctx.pathParam("proxy"), GoJson.parse(body(ctx))).map(p -> new Reply(200, p.json()))));
    r.delete("/proxies/:proxy").handler(ctx -> serial(ctx, () -> proxies.remove(ctx.pathParam("proxy")).map(v -> new Reply(204, null))));
    r.get("/proxies/:proxy/toxics").handler(ctx -> serial(ctx, () -> Future.succeededFuture(new Reply(200, proxies.get(ctx.pathParam("proxy")).toxicsJson()))));
    r.post("/proxies/:proxy/toxics").handler(ctx -> serial(ctx, () -> {
      NamedProxy p = proxies.get(ctx.pathParam("proxy"));
      return Future.succeededFuture(new Reply(200, p.addToxic(GoJson.parse(body(ctx))).json()));
    }));
    r.get("/proxies/:proxy/toxics/:toxic").handler(ctx -> serial(ctx, () -> {
      Toxic t = proxies.get(ctx.pathParam("proxy")).toxic(ctx.pathParam("toxic"));
      if (t == null) {
        throw ToxiError.TOXIC_NOT_FOUND;
      }
      return Future.succeededFuture(new Reply(200, t.json()));
    }));
    r.route("/proxies/:proxy/toxics/:toxic").method(HttpMethod.POST).method(HttpMethod.PATCH).handler(ctx -> serial(ctx, () -> {
      NamedProxy p = proxies.get(ctx.pathParam("proxy"));
      return Future.succeededFuture(new Reply(200, p.updateToxic(ctx.pathParam("toxic"), GoJson.parse(body(ctx))).json()));
    }));
    r.delete("/proxies/:proxy/toxics/:toxic").handler(ctx -> serial(ctx, () -> {
      proxies.get(ctx.pathParam("proxy")).removeToxic(ctx.pathParam("toxic"));
      return Future.succeededFuture(new Reply(204, null));
    }));
    // gorilla/mux's answers: a plain-text 404, an empty 405
    r.errorHandler(404, ctx -> plain(ctx, 404, "404 page not found\n"));
    r.errorHandler(405, ctx -> ctx.response().setStatusCode(405).end());
    r.errorHandler(413, ctx -> error(ctx, ToxiError.BAD_REQUEST_BODY.with("http: request body too large")));
    return r;
  }

  private static String body(RoutingContext ctx) {
    return ctx.body() == null || ctx.body().buffer() == null ? "" : ctx.body().asString();
  }

  private Future<Reply> populate(RoutingContext ctx) {
    List<NamedProxy> done = new ArrayList<>();
    Future<List<NamedProxy>> result;
    try {
      result = proxies.populate(GoJson.parse(body(ctx)), done);
    } catch (ToxiError e) {
      result = Future.failedFuture(e);
    }
    return result.transform(ar -> {
      ObjectNode o = JsonNodeFactory.instance.objectNode();
      int status = 201;
      if (ar.failed()) {
        ToxiError e = ar.cause() instanceof ToxiError t ? t : ToxiError.internal(String.valueOf(ar.cause().getMessage()));
        o.put("error", e.getMessage());
        o.put("status", e.status());
        status = e.status();
      }
      if (done.isEmpty()) {
        o.putNull("proxies"); // Go marshals an empty slice it never appended to as null
      } else {
        ArrayNode a = o.putArray("proxies");
        done.forEach(p -> a.add(p.json()));
      }
      return Future.succeededFuture(new Reply(status, o));
    });
  }

  /** Runs {@code work} after every earlier request answered, and answers its reply or its error. */
  private void serial(RoutingContext ctx, Supplier<Future<Reply>> work) {
    Future<Reply> mine = tail.transform(ignored -> {
      try {
        return work.get();
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    });
    tail = mine;
    mine.onComplete(ar -> {
      if (ar.succeeded()) {
        Reply reply = ar.result();
        if (reply.body() == null) {
          ctx.response().setStatusCode(reply.status()).end();
        } else {
          ctx.response().setStatusCode(reply.status()).putHeader("Content-Type", "application/json").end(reply.body().toString());
        }
      } else if (ar.cause() instanceof ToxiError e) {
        error(ctx, e);
      } else {
        error(ctx, ToxiError.internal(io.wschaos.spec.Failures.describe(ar.cause())));
      }
    });
  }

  /** Go's http.Error with the JSON of the error: text/plain, nosniff, a newline at the end. */
  private static void error(RoutingContext ctx, ToxiError e) {
    ObjectNode o = JsonNodeFactory.instance.objectNode().put("error", e.getMessage()).put("status", e.status());
    ctx.response().putHeader("X-Content-Type-Options", "nosniff");
    plain(ctx, e.status(), o + "\n");
  }

  private static void plain(RoutingContext ctx, int status, String text) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(text);
  }
}
