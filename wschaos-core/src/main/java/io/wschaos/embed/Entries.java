package io.wschaos.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.wschaos.scenario.ScenarioLoader;
import io.wschaos.spec.Problem;
import io.wschaos.spec.Durations;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The scenario schema's JSON, as the builders write it and as YAML or JSON strings are read: the
 * values of this package are entries of that schema, so every check and every located error is the
 * scenario file's own.
 */
final class Entries {
  static final ObjectMapper JSON = new ObjectMapper();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Entries() {}

  /** A map in the order given (the entry prints its keys as the factory names them): key, value, key, value… */
  static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** A duration as the schema writes it: {@code 250ms}, {@code 2s}. */
  static String duration(Duration d) {
    if (d == null) {
      throw new IllegalArgumentException("a duration is required");
    }
    if (d.isNegative()) {
      throw new IllegalArgumentException("a duration cannot be negative: " + d);
    }
    return Durations.format(d);
  }

  /** A Java value as JSON: Duration as the schema's string, Side and enums by their word, maps and lists deeply. */
  static JsonNode value(Object v) {
    if (v instanceof Duration d) {
      return JSON.getNodeFactory().textNode(duration(d));
    }
    if (v instanceof Side s) {
      return JSON.getNodeFactory().textNode(s.wire());
    }
    if (v instanceof JsonNode n) {
      return n.deepCopy();
    }
    if (v instanceof Map<?, ?> m) {
      ObjectNode o = object();
      m.forEach((k, x) -> o.set(String.valueOf(k), value(x)));
      return o;
    }
    if (v instanceof List<?> l) {
      var a = JSON.createArrayNode();
      l.forEach(x -> a.add(value(x)));
      return a;
    }
    return JSON.valueToTree(v);
  }

  /**
   * Reads one YAML or JSON document; a syntax error is located like a scenario file's, with
   * {@code where} as the file: {@code fault:1:9: YAML syntax error: …}.
   */
  static JsonNode read(String text, String where) {
    try {
      JsonNode n = YAML.readTree(text == null ? "" : text);
      if (n == null || n.isMissingNode()) {
        throw new ConfigException(List.of(where + ": empty; expected one entry"));
      }
      return n;
    } catch (IOException e) {
      Problem located = ScenarioLoader.yamlSyntax(text, where);
      throw new ConfigException(List.of(located != null ? located.toString() : where + ": not YAML or JSON: " + e.getMessage()));
    }
  }

  /** One line, flow style: {@code {close: {code: 1001, to: client}, on: {open: 1}, after: 2s}}. */
  static String flow(JsonNode n) {
    if (n.isObject()) {
      StringBuilder b = new StringBuilder("{");
      var it = n.fields();
      while (it.hasNext()) {
        var e = it.next();
        b.append(e.getKey()).append(": ").append(flow(e.getValue()));
        if (it.hasNext()) {
          b.append(", ");
        }
      }
      return b.append('}').toString();
    }
    if (n.isArray()) {
      StringBuilder b = new StringBuilder("[");
      for (int i = 0; i < n.size(); i++) {
        b.append(i == 0 ? "" : ", ").append(flow(n.get(i)));
      }
      return b.append(']').toString();
    }
    return n.isTextual() ? n.asText() : n.toString();
  }
}
