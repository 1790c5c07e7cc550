package io.wschaos.scenario;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wschaos.expect.Expectation;
import io.wschaos.spec.Catalog;
import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultEntryParser;
import io.wschaos.fault.Presets;
import io.wschaos.frame.Direction;
import io.wschaos.timeline.MessageMatcher;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The JSON Schema (draft 2020-12) of scenario files, for YAML editors: generated from the loader's
 * key lists and from the catalogues, each fault's and expectation's parameters read from the
 * components of its parameter record, so the schema follows the code.
 *
 * <p>The schema describes shapes and names; value rules that need code (close codes, windows past
 * {@code duration}, counting over a refuse window) are {@code wschaos validate}'s. No top-level key
 * is required by the schema because a suite's wschaos.yaml may supply it.
 */
public final class ScenarioSchema {
  public static final String DRAFT = "https://json-schema.org/draft/2020-12/schema";
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private ScenarioSchema() {}

  public static ObjectNode generate(Catalog<Fault> faults, Catalog<Expectation> expectations) {
    ObjectNode s = F.objectNode();
    s.put("$schema", DRAFT);
    s.put("$id", "https://wschaos.io/schema/scenario.json");
    s.put("title", "wschaos scenario");
    s.put("description", "One scenario a file; a folder is a suite, whose wschaos.yaml supplies the top-level keys a scenario lacks. Check with: wschaos validate PATH");
    s.put("type", "object");
    s.put("additionalProperties", false);
    ObjectNode props = s.putObject("properties");
    for (Map.Entry<String, String> k : ScenarioKeys.TOP.entrySet()) {
      props.set(k.getKey(), describe(top(k.getKey()), k.getValue()));
    }
    ObjectNode defs = s.putObject("$defs");
    defs.set("duration", F.objectNode().put("type", "string").put("pattern", "^\\d+(\\.\\d+)?\\s*(us|ms|s|m|h)$").put("description", "A duration: 250ms, 2s, 1.5s, 1m."));
    defs.set("match", match());
    defs.set("declaration", declaration());
    defs.set("faultEntry", faultEntry(faults));
    defs.set("expectEntry", expectEntry(expectations));
    ObjectNode faultDefs = defs.putObject("faults");
    for (String name : faults.names()) {
      faultDefs.set(name, describe(nullable(recordSchema(faults.type(name).params())), faults.type(name).summary()));
    }
    ObjectNode presetDefs = defs.putObject("presets");
    for (String name : Presets.names()) {
      presetDefs.set(name, describe(nullable(recordSchema(Presets.params(name))), "Preset, expanded into plain faults with ids <id>.1, <id>.2…"));
    }
    ObjectNode expectDefs = defs.putObject("expectations");
    for (String name : expectations.names()) {
      expectDefs.set(name, describe(nullable(recordSchema(expectations.type(name).params())), expectations.type(name).summary()));
    }
    return s;
  }

  private static JsonNode top(String key) {
    return switch (key) {
      case "name" -> F.objectNode().put("type", "string").put("pattern", "^[A-Za-z0-9][A-Za-z0-9_.-]*$");
      case "description" -> F.objectNode().put("type", "string");
      case "tags" -> array(F.objectNode().put("type", "string"));
      case "seed" -> F.objectNode().put("type", "integer");
      case "server" -> server();
      case "client" -> object(ScenarioKeys.CLIENT, Map.of(
          "command", F.objectNode().put("type", "string"),
          "external", F.objectNode().put("type", "boolean"),
          "instances", F.objectNode().put("type", "integer").put("minimum", 1).put("maximum", ScenarioKeys.MAX_INSTANCES),
          "wait", ref("duration"),
          "env", env()));
      case "proxy" -> object(ScenarioKeys.PROXY, Map.of("idle_timeout", ref("duration"), "upstream_timeout", ref("duration")));
      case "duration" -> ref("duration");
      case "tolerance" -> anyOf(ref("duration"), object(ScenarioKeys.TOLERANCE, Map.of(
          "absolute", ref("duration"),
          "relative", F.objectNode().put("type", "number").put("minimum", 0).put("exclusiveMaximum", 1))));
      case "messages" -> {
        ObjectNode m = F.objectNode().put("type", "object");
        ObjectNode clientId = object(ScenarioKeys.CLIENT_ID, Map.of(
            "query", F.objectNode().put("type", "string"),
            "header", F.objectNode().put("type", "string"),
            "cookie", F.objectNode().put("type", "string"),
            "field", F.objectNode().put("type", "string").put("pattern", "^/")));
        clientId.put("minProperties", 1).put("maxProperties", 1);
        m.putObject("properties").set("client_id", describe(clientId, "How a client's successive links are stitched together: exactly one of query, header, cookie or field."));
        m.set("additionalProperties", ref("declaration"));
        yield m;
      }
      case "faults" -> array(ref("faultEntry"));
      case "expect" -> array(ref("expectEntry")).put("minItems", 1);
      default -> throw new IllegalStateException("no schema for top-level key " + key);
    };
  }

  private static ObjectNode server() {
    ObjectNode options = object(ScenarioKeys.FEED_OPTIONS, Map.of(
        "rate", F.objectNode().put("type", "number").put("minimum", 0),
        "resend_after", ref("duration"),
        "require_token", F.objectNode().put("type", "boolean")));
    ObjectNode ready = object(ScenarioKeys.READY, Map.of("timeout", ref("duration")));
    ObjectNode s = object(ScenarioKeys.SERVER, Map.of(
        "builtin", F.objectNode().set("enum", strings(ScenarioKeys.BUILTIN_SERVERS)),
        "options", options,
        "url", F.objectNode().put("type", "string").put("pattern", "^wss?://"),
        "command", F.objectNode().put("type", "string"),
        "port", F.objectNode().put("type", "integer").put("minimum", 1).put("maximum", 65535),
        "ready", ready,
        "path", F.objectNode().put("type", "string").put("pattern", "^/"),
        "env", env()));
    ArrayNode oneOf = s.putArray("oneOf");
    for (String kind : ScenarioKeys.SERVER_KINDS) {
      oneOf.addObject().set("required", strings(List.of(kind)));
    }
    return s;
  }

  private static ObjectNode declaration() {
    ObjectNode d = object(ScenarioKeys.DECLARATION, Map.of(
        "to", F.objectNode().set("enum", strings(List.of(Direction.TO_SERVER.wire(), Direction.TO_CLIENT.wire()))),
        "match", ref("match"),
        "field", F.objectNode().put("type", "string").put("pattern", "^/")));
    d.set("required", strings(List.of("to")));
    d.set("anyOf", F.arrayNode().add(F.objectNode().set("required", strings(List.of("match")))).add(F.objectNode().set("required", strings(List.of("field")))));
    return describe(d, "A kind of message: the ones going to that match match; field is the JSON pointer of its number.");
  }

  private static ObjectNode match() {
    ObjectNode operator = F.objectNode().put("type", "object").put("minProperties", 1).put("maxProperties", 1);
    operator.put("additionalProperties", false);
    ObjectNode ops = operator.putObject("properties");
    ops.putObject("regex").put("type", "string");
    ops.putObject("exists").put("type", "boolean");
    for (String cmp : List.of("gt", "gte", "lt", "lte")) {
      ops.putObject(cmp).put("type", "number");
    }
    ObjectNode m = F.objectNode().put("type", "object").put("minProperties", 1);
    m.set("additionalProperties", anyOf(F.objectNode().set("type", strings(List.of("string", "number", "boolean", "null", "array"))), operator));
    return describe(m, "A small JSON matcher: keys are top-level fields or JSON pointers (/data/kind); values are literals or one of " + MessageMatcher.ALLOWED_OPERATORS + ".");
  }

  private static ObjectNode faultEntry(Catalog<Fault> faults) {
    ObjectNode e = F.objectNode().put("type", "object").put("additionalProperties", false);
    ObjectNode p = e.putObject("properties");
    for (String k : FaultEntryParser.TRIGGER_KEYS.stream().sorted().toList()) {
      p.set(k, trigger(k));
    }
    ArrayNode oneOf = e.putArray("oneOf");
    for (String name : faults.names()) {
      p.set(name, ref("faults/" + name));
      oneOf.addObject().set("required", strings(List.of(name)));
    }
    for (String name : Presets.names()) {
      p.set(name, ref("presets/" + name));
      oneOf.addObject().set("required", strings(List.of(name)));
    }
    return describe(e, "One fault (or preset) with its parameters, and trigger keys saying when it starts, how long it lasts and which links it touches.");
  }

  private static JsonNode trigger(String key) {
    return switch (key) {
      case "id" -> describe(F.objectNode().put("type", "string").put("pattern", "^[A-Za-z0-9_-][A-Za-z0-9_.-]*$"), "A name for the fault (default f1, f2… by position).");
      case "at" -> describe(ref("duration"), "Start at this scenario time (t = 0 when the proxy listens and the server is ready).");
      case "after" -> describe(ref("duration"), "With on: start that long after the event.");
      case "for" -> describe(ref("duration"), "How long the fault lasts, then it is removed.");
      case "every" -> describe(ref("duration"), "With at: repeat with this period (needs a for shorter than it).");
      case "probability" -> describe(F.objectNode().put("type", "number").put("exclusiveMinimum", 0).put("maximum", 1), "Each candidate message fires the fault with this chance, drawn from the seed.");
      case "client" -> describe(F.objectNode().put("const", "any"), "Count events across clients instead of per client.");
      case "optional" -> describe(F.objectNode().put("type", "boolean"), "True: the scenario may pass though this fault never fired (by default a fault that never fired leaves the scenario undecided).");
      case "link" -> describe(anyOf(F.objectNode().set("enum", strings(List.of("current", "all"))), F.objectNode().put("type", "integer").put("minimum", 1)), "Which links the fault touches (default: the triggering link, or all for at).");
      case "on" -> {
        ObjectNode message = F.objectNode().put("type", "object").put("additionalProperties", false);
        ObjectNode mp = message.putObject("properties");
        mp.putObject("to").set("enum", strings(List.of("server", "client")));
        mp.putObject("nth").put("type", "integer").put("minimum", 1);
        mp.set("match", ref("match"));
        mp.putObject("link").set("enum", strings(List.of("current", "all")));
        message.set("required", strings(List.of("to")));
        ObjectNode on = F.objectNode().put("type", "object").put("additionalProperties", false).put("minProperties", 1).put("maxProperties", 1);
        ObjectNode op = on.putObject("properties");
        op.set("open", anyOf(F.objectNode().put("type", "integer").put("minimum", 1), F.objectNode().put("const", "any")));
        op.set("all_open", F.objectNode().put("const", true));
        op.set("attempt", F.objectNode().put("type", "integer").put("minimum", 1));
        op.set("message", message);
        yield describe(on, "Start on an event: open, all_open, attempt or message.");
      }
      default -> throw new IllegalStateException("no schema for trigger key " + key);
    };
  }

  private static ObjectNode expectEntry(Catalog<Expectation> expectations) {
    ArrayNode oneOf = F.arrayNode();
    for (String name : expectations.names()) {
      ObjectNode o = F.objectNode().put("type", "object").put("additionalProperties", false);
      o.putObject("properties").set(name, ref("expectations/" + name));
      o.set("required", strings(List.of(name)));
      oneOf.add(o);
    }
    oneOf.add(F.objectNode().put("type", "string").set("enum", strings(expectations.names())));
    ObjectNode e = F.objectNode();
    e.set("oneOf", oneOf);
    return describe(e, "One expectation name with its parameters (a bare name when it needs none).");
  }

  // ---- parameter records by reflection

  static ObjectNode recordSchema(Class<?> type) {
    ObjectNode o = F.objectNode().put("type", "object").put("additionalProperties", false);
    ObjectNode props = o.putObject("properties");
    if (type != null && type.isRecord()) {
      for (RecordComponent rc : type.getRecordComponents()) {
        props.set(jsonName(rc), typeSchema(rc.getGenericType(), rc.getName()));
      }
    }
    return o;
  }

  private static String jsonName(RecordComponent rc) {
    JsonProperty p = rc.getAccessor().getAnnotation(JsonProperty.class);
    if (p == null) {
      try {
        p = rc.getDeclaringRecord().getDeclaredField(rc.getName()).getAnnotation(JsonProperty.class);
      } catch (NoSuchFieldException e) {
        p = null;
      }
    }
    return p != null && !p.value().isEmpty() ? p.value() : rc.getName();
  }

  private static JsonNode typeSchema(Type t, String name) {
    Class<?> raw = t instanceof ParameterizedType pt ? (Class<?>) pt.getRawType() : t instanceof Class<?> c ? c : Object.class;
    if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class || raw == Short.class || raw == short.class || raw == BigInteger.class) {
      return F.objectNode().put("type", "integer");
    }
    if (raw == Double.class || raw == double.class || raw == Float.class || raw == float.class || raw == BigDecimal.class || raw == Number.class) {
      return F.objectNode().put("type", "number");
    }
    if (raw == Boolean.class || raw == boolean.class) {
      return F.objectNode().put("type", "boolean");
    }
    if (raw == String.class) {
      return F.objectNode().put("type", "string");
    }
    if (raw == Duration.class) {
      return ref("duration");
    }
    if (raw == Direction.class) {
      return F.objectNode().set("enum", strings(List.of(Direction.TO_SERVER.wire(), Direction.TO_CLIENT.wire())));
    }
    if (raw.isEnum()) {
      ArrayNode values = F.arrayNode();
      for (Object c : raw.getEnumConstants()) {
        values.add(((Enum<?>) c).name().toLowerCase(Locale.ROOT));
      }
      return F.objectNode().set("enum", values);
    }
    if (JsonNode.class.isAssignableFrom(raw)) {
      return name.equals("match") ? ref("match") : F.objectNode();
    }
    if (Collection.class.isAssignableFrom(raw)) {
      Type item = t instanceof ParameterizedType pt ? pt.getActualTypeArguments()[0] : Object.class;
      return array(typeSchema(item, name));
    }
    if (Map.class.isAssignableFrom(raw)) {
      Type value = t instanceof ParameterizedType pt ? pt.getActualTypeArguments()[1] : Object.class;
      return F.objectNode().put("type", "object").set("additionalProperties", typeSchema(value, name));
    }
    if (raw.isRecord()) {
      return recordSchema(raw);
    }
    return F.objectNode();
  }

  // ---- helpers

  private static ObjectNode object(Map<String, String> keys, Map<String, JsonNode> schemas) {
    ObjectNode o = F.objectNode().put("type", "object").put("additionalProperties", false);
    ObjectNode props = o.putObject("properties");
    for (Map.Entry<String, String> k : keys.entrySet()) {
      JsonNode s = schemas.get(k.getKey());
      if (s == null) {
        throw new IllegalStateException("no schema for key " + k.getKey());
      }
      props.set(k.getKey(), describe(s.deepCopy(), k.getValue()));
    }
    return o;
  }

  /** A parameter object that may also be left empty ({@code - closes_cleanly:}). */
  private static ObjectNode nullable(ObjectNode schema) {
    schema.set("type", strings(List.of("object", "null")));
    return schema;
  }

  private static ObjectNode env() {
    return F.objectNode().put("type", "object").set("additionalProperties", F.objectNode().set("type", strings(List.of("string", "number", "boolean"))));
  }

  private static ObjectNode ref(String def) {
    return F.objectNode().put("$ref", "#/$defs/" + def);
  }

  private static ObjectNode array(JsonNode items) {
    ObjectNode a = F.objectNode().put("type", "array");
    a.set("items", items);
    return a;
  }

  private static ObjectNode anyOf(JsonNode... options) {
    ObjectNode o = F.objectNode();
    ArrayNode a = o.putArray("anyOf");
    for (JsonNode n : options) {
      a.add(n);
    }
    return o;
  }

  private static ArrayNode strings(Collection<String> values) {
    ArrayNode a = F.arrayNode();
    values.forEach(a::add);
    return a;
  }

  private static ObjectNode describe(JsonNode schema, String description) {
    ObjectNode o = (ObjectNode) schema;
    if (description != null && !description.isEmpty()) {
      o.put("description", description);
    }
    return o;
  }

  /** The top-level keys the schema describes (the loader's). */
  public static Set<String> topLevelKeys() {
    return ScenarioKeys.TOP.keySet();
  }
}
