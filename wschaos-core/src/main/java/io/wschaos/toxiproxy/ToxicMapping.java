package io.wschaos.toxiproxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wschaos.fault.Fault;
import io.wschaos.spec.Catalog;
import io.wschaos.fault.FaultEntryParser;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each toxic means in wschaos: Toxiproxy's toxics, with their attributes as Go decodes them,
 * become fault entries of the scenario schema on the toxic's direction ({@code upstream} = to
 * server, {@code downstream} = to client); {@code ws_<fault>} toxics carry a wschaos fault's own
 * parameters. docs/toxiproxy.md is the table of this class.
 */
final class ToxicMapping {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
  /** wschaos-only toxics: {@code ws_} and a fault's YAML name. */
  static final String WS_PREFIX = "ws_";

  /** Toxiproxy's toxic types and their attributes, in Go's field order, with Go's types. */
  private static final Map<String, Map<String, String>> TOXIPROXY = new LinkedHashMap<>();

  static {
    TOXIPROXY.put("noop", Map.of());
    TOXIPROXY.put("latency", ordered("latency", "int64", "jitter", "int64"));
    TOXIPROXY.put("bandwidth", ordered("rate", "int64"));
    TOXIPROXY.put("slow_close", ordered("delay", "int64"));
    TOXIPROXY.put("timeout", ordered("timeout", "int64"));
    TOXIPROXY.put("reset_peer", ordered("timeout", "int64"));
    TOXIPROXY.put("limit_data", ordered("bytes", "int64"));
    TOXIPROXY.put("slicer", ordered("average_size", "int", "size_variation", "int", "delay", "int"));
  }

  private static Map<String, String> ordered(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  private final Catalog<Fault> catalog;

  ToxicMapping(Catalog<Fault> catalog) {
    this.catalog = catalog;
  }

  /** True for Toxiproxy's types and for {@code ws_<fault>} of every fault in the catalogue. */
  boolean known(String type) {
    return TOXIPROXY.containsKey(type) || type.startsWith(WS_PREFIX) && catalog.has(type.substring(WS_PREFIX.length()));
  }

  /**
   * The attributes after decoding {@code given} onto {@code current} (null: a new toxic, Go's zero
   * values): a Toxiproxy type keeps exactly its own fields, a ws_ type the keys given.
   */
  ObjectNode attributes(String type, JsonNode given, ObjectNode current) {
    Map<String, String> fields = TOXIPROXY.get(type);
    if (given != null && !given.isNull() && !given.isObject()) {
      String goType = fields == null ? "map[string]interface {}" : "toxics." + goName(type);
      throw ToxiError.BAD_REQUEST_BODY.with("json: cannot unmarshal " + GoJson.kind(given) + " into Go struct field .attributes of type " + goType);
    }
    ObjectNode in = given == null || given.isNull() ? JSON.objectNode() : (ObjectNode) given;
    if (fields == null) {
      ObjectNode out = current == null ? JSON.objectNode() : current.deepCopy();
      out.setAll(in);
      return out;
    }
    ObjectNode out = JSON.objectNode();
    for (var f : fields.entrySet()) {
      long now = current == null ? 0 : current.path(f.getKey()).asLong(0);
      out.put(f.getKey(), GoJson.integer(in, f.getKey(), ".attributes", now, f.getValue()));
    }
    return out;
  }

  private static String goName(String type) {
    return switch (type) {
      case "latency" -> "LatencyToxic";
      case "bandwidth" -> "BandwidthToxic";
      case "slow_close" -> "SlowCloseToxic";
      case "timeout" -> "TimeoutToxic";
      case "reset_peer" -> "ResetToxic";
      case "limit_data" -> "LimitDataToxic";
      case "slicer" -> "SlicerToxic";
      default -> "NoopToxic";
    };
  }

  /**
   * The fault entries (scenario schema, without ids) the toxic stands for; empty when it injects
   * nothing (a toxicity of 0, a noop, a zero rate…). {@code nowMs} is the proxy's scenario time,
   * for the timed actions on links already open.
   */
  List<ObjectNode> entries(Toxic t, long nowMs) {
    List<ObjectNode> out = new ArrayList<>();
    if (!(t.toxicity > 0)) {
      return out; // toxicity 0 injects nothing (Toxiproxy's own rand < 0 check gets that right; its docs do not)
    }
    String to = t.upstream() ? "server" : "client";
    ObjectNode a = t.attributes;
    switch (t.type) {
      case "noop" -> {}
      case "latency" -> {
        long latency = Math.max(0, a.path("latency").asLong());
        long jitter = Math.max(0, a.path("jitter").asLong());
        if (latency > 0 || jitter > 0) {
          out.add(entry("delay", params(to).put("by", latency + "ms").put("jitter", jitter + "ms")));
        }
      }
      case "bandwidth" -> {
        long rate = a.path("rate").asLong();
        if (rate > 0) {
          out.add(entry("throttle", params(to).put("bytes_per_second", rate * 1000)));
        }
      }
      case "slow_close" -> {
        long delay = a.path("delay").asLong();
        if (delay > 0) {
          out.add(entry("delay", params(to).put("by", delay + "ms").put("frames", "close")));
        }
      }
      case "timeout" -> {
        long timeout = a.path("timeout").asLong();
        ObjectNode blackhole = params(to).put("then", "abort fin");
        if (timeout > 0) {
          out.add(entry("blackhole", blackhole).put("for", timeout + "ms"));
          ObjectNode perLink = entry("blackhole", blackhole.deepCopy()).put("for", timeout + "ms");
          perLink.set("on", JSON.objectNode().put("open", "any"));
          perLink.put("client", "any");
          out.add(perLink);
        } else {
          out.add(entry("blackhole", blackhole)); // timeout 0: until the toxic is removed
        }
      }
      case "reset_peer" -> {
        long timeout = Math.max(0, a.path("timeout").asLong());
        ObjectNode abort = JSON.objectNode().put("mode", "reset").put("to", "both");
        ObjectNode live = entry("abort", abort);
        if (timeout > 0) {
          live.put("at", (nowMs + timeout) + "ms");
        }
        out.add(live);
        ObjectNode perLink = entry("abort", abort.deepCopy());
        perLink.set("on", JSON.objectNode().put("open", "any"));
        perLink.put("client", "any");
        if (timeout > 0) {
          perLink.put("after", timeout + "ms");
        }
        out.add(perLink);
      }
      case "limit_data" -> out.add(entry("limit_data", params(to).put("bytes", Math.max(0, a.path("bytes").asLong()))));
      case "slicer" -> {
        long size = a.path("average_size").asLong();
        if (size > 0) {
          out.add(entry("fragment", params(to).put("size", size)));
        }
      }
      default -> out.add(wsEntry(t, to));
    }
    return out;
  }

  /** A ws_ toxic: the fault's parameters, {@code to} from the stream when the fault takes one; trigger keys lift out. */
  private ObjectNode wsEntry(Toxic t, String to) {
    String fault = t.type.substring(WS_PREFIX.length());
    ObjectNode params = JSON.objectNode();
    ObjectNode entry = JSON.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = t.attributes.fields(); it.hasNext(); ) {
      var e = it.next();
      if (FaultEntryParser.TRIGGER_KEYS.contains(e.getKey()) && !"id".equals(e.getKey()) && !"probability".equals(e.getKey())) {
        entry.set(e.getKey(), e.getValue());
      } else {
        params.set(e.getKey(), e.getValue());
      }
    }
    if (!params.has("to") && takesTo(fault)) {
      params.put("to", to);
    }
    entry.set(fault, params);
    return entry;
  }

  private boolean takesTo(String fault) {
    Class<?> params = catalog.type(fault).params();
    if (!params.isRecord()) {
      return false;
    }
    for (var c : params.getRecordComponents()) {
      if (c.getName().equals("to")) {
        return true;
      }
    }
    return false;
  }

  private static ObjectNode params(String to) {
    return JSON.objectNode().put("to", to);
  }

  private static ObjectNode entry(String fault, ObjectNode params) {
    ObjectNode e = JSON.objectNode();
    e.set(fault, params);
    return e;
  }
}
