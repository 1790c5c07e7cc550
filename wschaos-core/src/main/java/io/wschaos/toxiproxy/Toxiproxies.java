package io.wschaos.toxiproxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.wschaos.fault.Fault;
import io.wschaos.spec.Catalog;
import io.wschaos.fault.FaultEntryParser;
import io.wschaos.timeline.Timeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Toxiproxy's proxy collection: proxies by unique name, each a wschaos proxy recording on one shared
 * timeline with link numbers from one shared counter, so every link and fault of every proxy is one
 * story. Only the API's serial request chain calls it.
 */
public final class Toxiproxies {
  private final Vertx proxyVertx;
  private final Timeline timeline;
  private final AtomicInteger linkNumbers;
  private final long seed;
  private final FaultEntryParser parser;
  private final ToxicMapping mapping;
  private final Map<String, NamedProxy> proxies = new TreeMap<>(); // Go marshals map keys sorted

  /**
   * @param proxyVertx the Vert.x the proxies' listeners and links run on
   * @param linkNumbers the link counter shared with any other proxy on {@code timeline}
   */
  public Toxiproxies(Vertx proxyVertx, Timeline timeline, AtomicInteger linkNumbers, long seed, Catalog<Fault> catalog) {
    this.proxyVertx = proxyVertx;
    this.timeline = timeline;
    this.linkNumbers = linkNumbers;
    this.seed = seed;
    this.parser = new FaultEntryParser(catalog);
    this.mapping = new ToxicMapping(catalog);
  }

  Vertx proxyVertx() {
    return proxyVertx;
  }

  Timeline timeline() {
    return timeline;
  }

  AtomicInteger linkNumbers() {
    return linkNumbers;
  }

  long seed() {
    return seed;
  }

  FaultEntryParser parser() {
    return parser;
  }

  ToxicMapping mapping() {
    return mapping;
  }

  List<NamedProxy> all() {
    return new ArrayList<>(proxies.values());
  }

  NamedProxy get(String name) {
    NamedProxy p = proxies.get(name);
    if (p == null) {
      throw ToxiError.PROXY_NOT_FOUND;
    }
    return p;
  }

  /** The proxy named {@code name}, or null (tests and the CLI). */
  public Integer port(String name) {
    NamedProxy p = proxies.get(name);
    return p == null || p.server() == null ? null : p.server().port();
  }

  /** ProxyCreate: name and upstream required, 409 on a taken name, started unless enabled is false. */
  Future<NamedProxy> create(JsonNode body) {
    ObjectNode in = GoJson.object(body, "toxiproxy.Proxy");
    Fields f = Fields.of(in, "Proxy", null);
    if (f.name.isEmpty()) {
      throw ToxiError.MISSING_FIELD.with("name");
    }
    if (f.upstream.isEmpty()) {
      throw ToxiError.MISSING_FIELD.with("upstream");
    }
    if (proxies.containsKey(f.name)) {
      throw ToxiError.PROXY_ALREADY_EXISTS;
    }
    NamedProxy.upstreamUri(f.upstream);
    NamedProxy p = new NamedProxy(this, f.name, f.listen, f.upstream);
    Future<Void> started = f.enabled ? p.start() : Future.succeededFuture();
    return started.map(v -> {
      proxies.put(p.name, p);
      return p;
    });
  }

  /** The fields of a proxy body, defaults from {@code current} (an update) or Toxiproxy's (a create). */
  record Fields(String name, String listen, String upstream, boolean enabled) {
    static Fields of(ObjectNode in, String struct, NamedProxy current) {
      return new Fields(
          GoJson.string(in, "name", struct, current == null ? "" : current.name),
          GoJson.string(in, "listen", struct, current == null ? "" : current.listen),
          GoJson.string(in, "upstream", struct, current == null ? "" : current.upstream),
          GoJson.bool(in, "enabled", struct, current == null || current.enabled));
    }
  }

  Future<NamedProxy> update(String name, JsonNode body) {
    NamedProxy p = get(name);
    Fields f = Fields.of(GoJson.object(body, "toxiproxy.Proxy"), "Proxy", p);
    return p.update(f.listen, f.upstream, f.enabled).map(v -> p);
  }

  Future<Void> remove(String name) {
    NamedProxy p = get(name);
    proxies.remove(name);
    return p.stop();
  }

  /** ResetState: every proxy enabled again and stripped of its toxics. */
  Future<Void> reset() {
    Future<Void> chain = Future.succeededFuture();
    for (NamedProxy p : all()) {
      chain = chain.compose(v -> p.start().recover(e -> e == NamedProxy.ALREADY_STARTED ? Future.succeededFuture() : Future.failedFuture(e)))
          .map(v -> {
            p.resetToxics();
            return null;
          });
    }
    return chain;
  }

  /**
   * Populate: every entry checked first, then each added, or replaced when its listen or upstream
   * differs (a same one is kept with its toxics). Stops at the first failure, with what was done.
   */
  Future<List<NamedProxy>> populate(JsonNode body, List<NamedProxy> done) {
    if (!body.isArray() && !body.isNull()) {
      throw ToxiError.BAD_REQUEST_BODY.with("json: cannot unmarshal " + GoJson.kind(body) + " into Go value of type []struct { toxiproxy.Proxy; Enabled *bool \"json:\\\"enabled\\\"\" }");
    }
    List<Fields> input = new ArrayList<>();
    for (int i = 0; i < body.size(); i++) {
      ObjectNode in = GoJson.object(body.get(i), "struct { toxiproxy.Proxy; Enabled *bool \"json:\\\"enabled\\\"\" }");
      input.add(Fields.of(in, "Proxy", null));
    }
    for (int i = 0; i < input.size(); i++) {
      if (input.get(i).name.isEmpty()) {
        throw ToxiError.MISSING_FIELD.with("name at proxy " + (i + 1));
      }
      if (input.get(i).upstream.isEmpty()) {
        throw ToxiError.MISSING_FIELD.with("upstream at proxy " + (i + 1));
      }
    }
    Future<Void> chain = Future.succeededFuture();
    for (Fields f : input) {
      chain = chain.compose(v -> addOrReplace(f)).map(p -> {
        done.add(p);
        return null;
      });
    }
    return chain.map(v -> done);
  }

  private Future<NamedProxy> addOrReplace(Fields f) {
    NamedProxy existing = proxies.get(f.name);
    Future<Void> cleared = Future.succeededFuture();
    if (existing != null) {
      boolean differs;
      try {
        differs = !existing.listen.equals(ListenAddress.parse(f.listen).resolved()) || !existing.upstream.equals(f.upstream);
      } catch (ToxiError e) {
        return Future.failedFuture(e);
      }
      if (!differs) {
        return Future.succeededFuture(existing);
      }
      cleared = existing.stop();
    }
    try {
      NamedProxy.upstreamUri(f.upstream);
    } catch (ToxiError e) {
      return Future.failedFuture(e);
    }
    NamedProxy p = new NamedProxy(this, f.name, f.listen, f.upstream);
    return cleared.compose(v -> f.enabled ? p.start() : Future.succeededFuture()).map(v -> {
      proxies.put(p.name, p);
      return p;
    });
  }

  /** Stops every proxy (shutdown). */
  public Future<Void> close() {
    List<Future<Void>> all = new ArrayList<>();
    for (NamedProxy p : all()) {
      all.add(p.stop());
    }
    proxies.clear();
    return Future.join(all).mapEmpty();
  }
}
