package io.wschaos.toxiproxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.wschaos.fault.FaultSpec;
import io.wschaos.frame.Direction;
import io.wschaos.proxy.ProxyOptions;
import io.wschaos.proxy.ProxyServer;
import io.wschaos.spec.SpecException;
import io.wschaos.spec.Problem;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One Toxiproxy proxy: a name, a {@code listen} address, an {@code upstream}, and its toxics per
 * stream. While enabled it is a wschaos {@link ProxyServer} relaying WebSocket links to
 * {@code ws://<upstream>}, each toxic one or more faults in that server's engine. Disabling it
 * closes the listener and cuts its links (FIN, no close frame), as Toxiproxy closes its
 * connections; its toxics stay and act again once it is enabled.
 *
 * <p>Only the API's serial request chain calls it, one request at a time.
 */
final class NamedProxy {
  /** Toxiproxy's ErrProxyAlreadyStarted, which reset ignores. */
  static final ToxiError ALREADY_STARTED = ToxiError.internal("Proxy already started");

  final String name;
  String listen;
  String upstream;
  boolean enabled;
  private final Toxiproxies env;
  private ProxyServer server;
  private long originMicros;
  private final Map<String, Toxic> upstreamToxics = new LinkedHashMap<>();
  private final Map<String, Toxic> downstreamToxics = new LinkedHashMap<>();

  NamedProxy(Toxiproxies env, String name, String listen, String upstream) {
    this.env = env;
    this.name = name;
    this.listen = listen;
    this.upstream = upstream;
  }

  /** {@code ws://host:port} for Toxiproxy's {@code host:port}; a ws:// or wss:// URL stays as it is. */
  static URI upstreamUri(String upstream) {
    String url = upstream.contains("://") ? upstream : "ws://" + upstream;
    try {
      URI u = new URI(url);
      ProxyOptions.of(u); // the checks a proxy makes
      if (u.getPort() < 0 && !upstream.contains("://")) {
        throw new IllegalArgumentException("missing port in address " + upstream);
      }
      return u;
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw ToxiError.BAD_REQUEST_BODY.with("upstream: '" + upstream + "' is not host:port (or a ws:// URL): " + e.getMessage());
    }
  }

  // ---- starting and stopping ----

  Future<Void> start() {
    if (enabled) {
      return Future.failedFuture(ALREADY_STARTED);
    }
    ListenAddress at;
    URI up;
    try {
      at = ListenAddress.parse(listen);
      up = upstreamUri(upstream);
    } catch (ToxiError e) {
      return Future.failedFuture(e);
    }
    ProxyOptions options = ProxyOptions.of(up).withListen(at.bindHost(), at.port()).withSeed(env.seed());
    return ProxyServer.start(env.proxyVertx(), options, env.timeline(), env.linkNumbers())
        .recover(e -> Future.failedFuture(ToxiError.internal("listen tcp " + at.bindHost() + ":" + at.port() + ": bind: "
            + (String.valueOf(e.getMessage()).contains("in use") ? "address already in use" : String.valueOf(e.getMessage())))))
        .map(s -> {
          server = s;
          enabled = true;
          listen = at.shown(s.port());
          originMicros = env.timeline().now();
          s.faults().origin(originMicros);
          for (Toxic t : toxics()) {
            t.faultIds = List.of();
            try {
              arm(t);
            } catch (ToxiError e) {
              // it was valid when added; a time-relative entry cannot fail here
            }
          }
          return null;
        });
  }

  /** Closes the listener and cuts every link (FIN both ways); the toxics stay. */
  Future<Void> stop() {
    if (!enabled) {
      return Future.succeededFuture();
    }
    enabled = false;
    ProxyServer s = server;
    server = null;
    try {
      ObjectNode cut = JsonNodeFactory.instance.objectNode().put("id", "toxiproxy-disabled");
      cut.set("abort", JsonNodeFactory.instance.objectNode().put("mode", "fin").put("to", "both"));
      env.parser().parse(cut, "disable", "toxiproxy-disabled").forEach(s.faults()::add);
    } catch (RuntimeException e) {
      // nothing to cut
    }
    return s.close();
  }

  /** Toxiproxy's Update: a new listen or upstream restarts the proxy; then enabled is applied. */
  Future<Void> update(String newListen, String newUpstream, boolean newEnabled) {
    boolean differs;
    try {
      differs = !listen.equals(ListenAddress.parse(newListen).resolved()) || !upstream.equals(newUpstream);
      if (!newUpstream.equals(upstream)) {
        upstreamUri(newUpstream);
      }
    } catch (ToxiError e) {
      return Future.failedFuture(e);
    }
    Future<Void> moved = Future.succeededFuture();
    if (differs) {
      moved = stop().map(v -> {
        listen = newListen;
        upstream = newUpstream;
        return null;
      });
    }
    return moved.compose(v -> newEnabled == enabled ? Future.succeededFuture() : newEnabled ? start() : stop());
  }

  // ---- toxics ----

  List<Toxic> toxics() {
    List<Toxic> all = new ArrayList<>(upstreamToxics.values());
    all.addAll(downstreamToxics.values());
    return all;
  }

  Toxic toxic(String toxicName) {
    Toxic t = upstreamToxics.get(toxicName);
    return t != null ? t : downstreamToxics.get(toxicName);
  }

  /** Toxiproxy's AddToxicJson, its checks in its order, then wschaos's own on the attributes. */
  Toxic addToxic(JsonNode body) {
    ObjectNode in = GoJson.object(body, "toxics.ToxicWrapper");
    String toxicName = GoJson.string(in, "name", "ToxicWrapper", "");
    String type = GoJson.string(in, "type", "ToxicWrapper", "");
    String stream = GoJson.string(in, "stream", "ToxicWrapper", "downstream");
    float toxicity = GoJson.float32(in, "toxicity", "ToxicWrapper", 1.0f);
    if (!stream.equals("upstream") && !stream.equals("downstream")) {
      throw ToxiError.INVALID_STREAM;
    }
    if (toxicName.isEmpty()) {
      toxicName = type + "_" + stream;
    }
    if (!env.mapping().known(type)) {
      throw ToxiError.INVALID_TOXIC_TYPE;
    }
    if (toxic(toxicName) != null) {
      throw ToxiError.TOXIC_ALREADY_EXISTS;
    }
    ObjectNode attributes = env.mapping().attributes(type, GoJson.field(in, "attributes"), null);
    Toxic t = new Toxic(toxicName, type, stream, toxicity, attributes);
    specs(t); // refuse what wschaos cannot do before anything changes
    (t.upstream() ? upstreamToxics : downstreamToxics).put(t.name, t);
    arm(t);
    return t;
  }

  /** Toxiproxy's UpdateToxicJson: attributes given replace those fields, toxicity if given. */
  Toxic updateToxic(String toxicName, JsonNode body) {
    Toxic t = toxic(toxicName);
    if (t == null) {
      throw ToxiError.TOXIC_NOT_FOUND;
    }
    ObjectNode in = GoJson.object(body, "struct { Attributes interface {} \"json:\\\"attributes\\\"\"; Toxicity float32 \"json:\\\"toxicity\\\"\" }");
    ObjectNode attributes = env.mapping().attributes(t.type, GoJson.field(in, "attributes"), t.attributes);
    float toxicity = GoJson.float32(in, "toxicity", "", t.toxicity);
    Toxic next = new Toxic(t.name, t.type, t.stream, toxicity, attributes);
    specs(next);
    disarm(t);
    t.attributes = attributes;
    t.toxicity = toxicity;
    arm(t);
    return t;
  }

  void removeToxic(String toxicName) {
    Toxic t = toxic(toxicName);
    if (t == null) {
      throw ToxiError.TOXIC_NOT_FOUND;
    }
    disarm(t);
    upstreamToxics.remove(toxicName);
    downstreamToxics.remove(toxicName);
  }

  void resetToxics() {
    for (Toxic t : toxics()) {
      disarm(t);
    }
    upstreamToxics.clear();
    downstreamToxics.clear();
  }

  /** The faults {@code t} stands for, validated by the scenario parser, toxicity applied per link. */
  private List<FaultSpec> specs(Toxic t) {
    long nowMs = server == null ? 0 : (env.timeline().now() - originMicros) / 1000;
    List<ObjectNode> entries = env.mapping().entries(t, nowMs);
    String base = idBase(t);
    List<FaultSpec> out = new ArrayList<>();
    Direction direction = t.upstream() ? Direction.TO_SERVER : Direction.TO_CLIENT;
    for (int i = 0; i < entries.size(); i++) {
      String id = entries.size() == 1 ? base : base + "." + (i + 1);
      ObjectNode entry = entries.get(i);
      entry.put("id", id);
      List<FaultSpec> parsed;
      try {
        parsed = env.parser().parse(entry, "toxic " + t.name, id);
      } catch (SpecException e) {
        throw ToxiError.BAD_REQUEST_BODY.with(e.problems().stream().map(Problem::toString).collect(Collectors.joining("; ")));
      }
      for (FaultSpec s : parsed) {
        out.add(t.toxicity >= 1 ? s : new FaultSpec(s.id(), s.name(), new Toxicity(s.fault(), t.toxicity, direction), s.trigger(), s.preset(), s.source()));
      }
    }
    return out;
  }

  /** The fault id of a toxic on the shared timeline: proxy and toxic name, made a valid id. */
  private String idBase(Toxic t) {
    String id = (name + "." + t.name).replaceAll("[^A-Za-z0-9_.-]", "_");
    return id.startsWith(".") ? "_" + id : id;
  }

  private void arm(Toxic t) {
    if (server == null) {
      return;
    }
    List<String> ids = new ArrayList<>();
    for (FaultSpec s : specs(t)) {
      if (server.faults().has(s.id())) {
        server.faults().remove(s.id());
      }
      server.faults().add(s);
      ids.add(s.id());
    }
    t.faultIds = ids;
  }

  private void disarm(Toxic t) {
    if (server != null) {
      t.faultIds.forEach(server.faults()::remove);
    }
    t.faultIds = List.of();
  }

  // ---- JSON ----

  ArrayNode toxicsJson() {
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    toxics().forEach(t -> a.add(t.json()));
    return a;
  }

  ObjectNode json() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("name", name);
    o.put("listen", listen);
    o.put("upstream", upstream);
    o.put("enabled", enabled);
    o.set("toxics", toxicsJson());
    return o;
  }

  /** The wschaos proxy behind it while enabled (tests and the CLI read its port and links). */
  ProxyServer server() {
    return server;
  }
}
