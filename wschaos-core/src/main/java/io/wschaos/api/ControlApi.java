package io.wschaos.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.wschaos.fault.FaultEntryParser;
import io.wschaos.fault.builtin.BuiltinFaults;
import io.wschaos.pipeline.FaultStatus;
import io.wschaos.proxy.LinkStats;
import io.wschaos.proxy.ProxyServer;
import io.wschaos.timeline.Redactor;
import io.wschaos.timeline.Timeline;
import io.wschaos.timeline.TimelineJson;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control API of a running proxy (DESIGN.md, "Control API"; docs/api.md): JSON over HTTP on a
 * server of its own, loopback by default.
 *
 * <pre>
 * GET    /api/links              the live links
 * GET    /api/faults             the faults, armed, active or done
 * POST   /api/faults             add one fault entry (the scenario schema, as JSON)
 * DELETE /api/faults/{id}        remove a fault (a preset's id removes all its parts)
 * POST   /api/reset              remove every fault
 * GET    /api/timeline?since=N   the events after seq N, as JSON Lines
 * GET    /api/events             the live event stream, as Server-Sent Events
 * POST   /api/ui-link           a new one-time URL of the live UI (with a token)
 * GET    /ui                     the live timeline page, once {@link #enableUi} was called ({@code --ui})
 * </pre>
 *
 * Handlers run on the API server's event loop and never wait for a link: the fault engine hands
 * work to each link's own loop, link counters are read as they are, and the timeline is read from
 * memory (from its file, off the event loop, only for an old cursor).
 */
public final class ControlApi {
  private static final Logger log = LoggerFactory.getLogger(ControlApi.class);
  /** The largest request body accepted; a fault entry is a few hundred bytes. */
  static final long MAX_BODY = 64 * 1024;

  private final Vertx vertx;
  private final ProxyServer proxy;
  private final ApiOptions options;
  private final Redactor redactor;
  private final FaultRoutes faults;
  private final TimelineRoutes timeline;
  private volatile HttpServer server;
  private volatile String uiPage;
  private final UiSessions sessions = new UiSessions();

  private ControlApi(Vertx vertx, ProxyServer proxy, ApiOptions options, FaultEntryParser parser) {
    this.vertx = vertx;
    this.proxy = proxy;
    this.options = options;
    Timeline t = proxy.timeline();
    this.redactor = Redactor.of(t.options().redact());
    this.faults = new FaultRoutes(proxy.faults(), parser);
    this.timeline = new TimelineRoutes(vertx, t, options);
  }

  /** Starts the API for {@code proxy} with the builtin fault catalogue. */
  public static Future<ControlApi> start(Vertx vertx, ProxyServer proxy, ApiOptions options) {
    return start(vertx, proxy, options, new FaultEntryParser(BuiltinFaults.catalog()));
  }

  /** Starts the API; {@code parser} reads posted entries (the same one scenarios use). */
  public static Future<ControlApi> start(Vertx vertx, ProxyServer proxy, ApiOptions options, FaultEntryParser parser) {
    ControlApi api = new ControlApi(vertx, proxy, options, parser);
    HttpServer s =
        vertx
            .createHttpServer(new HttpServerOptions().setHost(options.host()).setPort(options.port()).setTcpNoDelay(true)
                // HTTP/1.1 only: after an h2c upgrade (the JDK client asks for one) requests carry :authority, not Host.
                .setHttp2ClearTextEnabled(false))
            .requestHandler(api.router());
    return s.listen().map(bound -> {
      api.server = bound;
      log.debug("control API listening on {}", api.url());
      return api;
    });
  }

  private Router router() {
    Router r = Router.router(vertx);
    r.route().handler(new RequestGuard(options.host(), options.token(), sessions));
    r.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY));
    Allow allow = new Allow();
    allow.add(r, HttpMethod.GET, "/api/links").handler(this::links);
    allow.add(r, HttpMethod.GET, "/api/faults").handler(faults::list);
    // The body's type is checked on the routes that take one, so a wrong method is 405 first.
    allow.add(r, HttpMethod.POST, "/api/faults").handler(RequestGuard::jsonBody).handler(faults::add);
    allow.add(r, HttpMethod.DELETE, "/api/faults/:id").handler(faults::remove);
    allow.add(r, HttpMethod.POST, "/api/reset").handler(RequestGuard::jsonBody).handler(faults::reset);
    allow.add(r, HttpMethod.GET, "/api/timeline").handler(timeline::since);
    allow.add(r, HttpMethod.GET, "/api/events").handler(timeline::events);
    allow.add(r, HttpMethod.POST, "/api/ui-link").handler(RequestGuard::jsonBody).handler(this::uiLink);
    allow.add(r, HttpMethod.GET, "/ui").handler(this::ui);
    r.route().failureHandler(ControlApi::failure);
    r.errorHandler(404, ctx -> new ApiError(404, "no such call: " + ctx.request().method() + " " + ctx.request().path() + " (see docs/api.md)").send(ctx.response()));
    r.errorHandler(405, ctx -> {
      String methods = allow.of(ctx.request().path());
      if (methods != null) {
        ctx.response().putHeader("Allow", methods);
      }
      new ApiError(405, ctx.request().method() + " is not allowed on " + ctx.request().path()
          + (methods == null ? "" : " (allowed: " + methods + ")")).send(ctx.response());
    });
    r.errorHandler(413, ctx -> new ApiError(413, "the body is larger than " + MAX_BODY + " bytes").send(ctx.response()));
    return r;
  }

  /** The methods of each route's path, for the {@code Allow} header a 405 must carry (RFC 9110 §15.5.6). */
  private static final class Allow {
    private final Map<java.util.regex.Pattern, java.util.Set<String>> methods = new java.util.LinkedHashMap<>();

    io.vertx.ext.web.Route add(Router r, HttpMethod method, String path) {
      java.util.regex.Pattern p = java.util.regex.Pattern.compile(path.replaceAll(":[a-z]+", "[^/]+"));
      methods.entrySet().stream().filter(e -> e.getKey().pattern().equals(p.pattern())).findFirst()
          .map(Map.Entry::getValue)
          .orElseGet(() -> {
            java.util.Set<String> set = new java.util.LinkedHashSet<>();
            methods.put(p, set);
            return set;
          })
          .add(method.name());
      return r.route(method, path);
    }

    String of(String path) {
      for (Map.Entry<java.util.regex.Pattern, java.util.Set<String>> e : methods.entrySet()) {
        if (e.getKey().matcher(path).matches()) {
          return String.join(", ", e.getValue());
        }
      }
      return null;
    }
  }

  private static void failure(RoutingContext ctx) {
    Throwable t = ctx.failure();
    if (t instanceof ApiError e) {
      e.send(ctx.response());
    } else if (t == null && ctx.statusCode() == 413) {
      new ApiError(413, "the body is larger than " + MAX_BODY + " bytes").send(ctx.response());
    } else if (t == null) {
      new ApiError(ctx.statusCode(), "request failed").send(ctx.response());
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      new ApiError(ctx.statusCode(), io.wschaos.spec.Failures.describe(t)).send(ctx.response()); // Vert.x refused the request itself
    } else {
      log.warn("control API: {} {} failed: {}", ctx.request().method(), ctx.request().path(), io.wschaos.spec.Failures.describe(t));
      log.debug("control API failure", t);
      new ApiError(500, "internal error: " + io.wschaos.spec.Failures.describe(t)).send(ctx.response());
    }
  }

  /** {@code GET /api/links}: one object per live link, with the faults acting on it. */
  private void links(RoutingContext ctx) {
    Map<Integer, List<String>> faultsByLink = new HashMap<>();
    for (FaultStatus f : proxy.faults().faults()) {
      for (int link : f.links()) {
        faultsByLink.computeIfAbsent(link, k -> new ArrayList<>()).add(f.id());
      }
    }
    Timeline t = proxy.timeline();
    long nowMicros = t.now();
    Instant wallNow = Instant.now();
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode list = out.putArray("links");
    for (LinkStats l : proxy.links()) {
      ObjectNode o = list.addObject();
      o.put("link", l.id());
      o.put("client", l.client());
      o.put("path", redactor.pathAndQuery(l.path()));
      o.put("opened_at", new java.math.BigDecimal(TimelineJson.millis(l.openedAtMicros()))); // ms on the timeline clock, like an event's t
      o.put("opened", wallNow.minus(nowMicros - l.openedAtMicros(), ChronoUnit.MICROS).truncatedTo(ChronoUnit.MILLIS).toString());
      direction(o.putObject("to_server"), l.messagesToServer(), l.bytesToServer(), l.queuedToServer(), l.heldToServer());
      direction(o.putObject("to_client"), l.messagesToClient(), l.bytesToClient(), l.queuedToClient(), l.heldToClient());
      ArrayNode ids = o.putArray("faults");
      faultsByLink.getOrDefault(l.id(), List.of()).forEach(ids::add);
    }
    Json.send(ctx.response(), 200, out);
  }

  private static void direction(ObjectNode o, long messages, long bytes, long queued, long held) {
    o.put("messages", messages);
    o.put("bytes", bytes);
    o.put("queued_bytes", queued);
    o.put("held_bytes", held);
  }

  /**
   * Serves the live timeline page on {@code GET /ui}: the report's viewer fed by {@code /api/events},
   * with a fault form generated from {@code faultSchemas} (the schema's {@code $defs.faults}).
   */
  public void enableUi(com.fasterxml.jackson.databind.JsonNode faultSchemas) {
    ObjectNode data = Json.MAPPER.createObjectNode();
    data.put("mode", "live");
    data.putObject("schema").set("faults", faultSchemas);
    uiPage = io.wschaos.timeline.ViewerPage.render(data.toString());
  }

  private void ui(RoutingContext ctx) {
    String page = uiPage;
    if (page == null) {
      new ApiError(404, "the live UI is off: start the proxy with --ui").send(ctx.response());
      return;
    }
    String code = ctx.request().getParam("code");
    if (code != null && options.token() != null) {
      String session = sessions.exchange(code);
      if (session == null) {
        new ApiError(401, "this UI link was used already or is not one the proxy printed; "
            + "get a new one with POST /api/ui-link (docs/api.md)").send(ctx.response());
        return;
      }
      // Off the address bar and out of the history at once: the code is spent anyway.
      ctx.response()
          .setStatusCode(303)
          .putHeader("Location", "/ui")
          .putHeader("Set-Cookie", UiSessions.setCookie(session))
          .putHeader("Cache-Control", "no-store")
          .end();
      return;
    }
    ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .putHeader("X-Frame-Options", "DENY")
        .end(page);
  }

  /**
   * The UI's URL, e.g. {@code http://127.0.0.1:8474/ui}; with a token, each call gives a URL with a
   * fresh one-time code ({@code /ui?code=…}) that opens the UI in one browser.
   */
  public String uiUrl() {
    String base = url().substring(0, url().length() - "/api".length()) + "/ui";
    return options.token() == null ? base : base + "?code=" + sessions.newCode();
  }

  /** {@code POST /api/ui-link}: a new one-time UI URL, for another browser (needs the token, like every call). */
  private void uiLink(RoutingContext ctx) {
    if (uiPage == null) {
      new ApiError(404, "the live UI is off: start the proxy with --ui").send(ctx.response());
      return;
    }
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("url", uiUrl());
    Json.send(ctx.response(), 200, o);
  }

  /** The bound port (useful with port 0). */
  public int port() {
    HttpServer s = server;
    return s == null ? -1 : s.actualPort();
  }

  /** The API's base URL, e.g. {@code http://127.0.0.1:8474/api}. */
  public String url() {
    String h = options.host();
    if (h.contains(":") && !h.startsWith("[")) {
      h = "[" + h + "]";
    }
    return "http://" + h + ":" + port() + "/api";
  }

  public ApiOptions options() {
    return options;
  }

  /** Live {@code /api/events} readers. */
  public int eventStreams() {
    return timeline.openStreams();
  }

  /** Ends the event streams and stops listening. Faults stay as they are. */
  public Future<Void> close() {
    timeline.closeStreams();
    HttpServer s = server;
    return s == null ? Future.succeededFuture() : s.close();
  }
}
