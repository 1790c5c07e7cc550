package io.wschaos.toxiproxy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Reads request bodies the way Toxiproxy's Go decoder does, so bad bodies get Toxiproxy's errors:
 * an empty body is {@code EOF}, field names match case-insensitively, null and unknown fields are
 * ignored, and a wrong type is {@code json: cannot unmarshal number into Go struct field Proxy.name
 * of type string}. All errors come wrapped in "bad request body".
 */
final class GoJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private GoJson() {}

  /** The first JSON value of {@code body}; Go's decoder ignores what follows it. */
  static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      throw ToxiError.BAD_REQUEST_BODY.with("EOF");
    }
    try {
      JsonNode n = MAPPER.readTree(body);
      return n == null ? JsonNodeFactory.instance.nullNode() : n;
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      int at = loc == null ? -1 : (int) loc.getCharOffset() - 1;
      if (at < 0 || at >= body.length() || e.getOriginalMessage().contains("end-of-input")) {
        throw ToxiError.BAD_REQUEST_BODY.with("unexpected EOF");
      }
      throw ToxiError.BAD_REQUEST_BODY.with("invalid character '" + body.charAt(at) + "' looking for beginning of value");
    }
  }

  /** The body as an object of Go type {@code goType}; null decodes to nothing, like in Go. */
  static ObjectNode object(JsonNode n, String goType) {
    if (n.isNull()) {
      return JsonNodeFactory.instance.objectNode();
    }
    if (!n.isObject()) {
      throw ToxiError.BAD_REQUEST_BODY.with("json: cannot unmarshal " + kind(n) + " into Go value of type " + goType);
    }
    return (ObjectNode) n;
  }

  /** Go's name for a JSON value's kind in unmarshal errors. */
  static String kind(JsonNode n) {
    if (n.isObject()) {
      return "object";
    }
    if (n.isArray()) {
      return "array";
    }
    if (n.isTextual()) {
      return "string";
    }
    if (n.isBoolean()) {
      return "bool";
    }
    return "number";
  }

  /** The field {@code name}, matched exactly first, then ignoring case; null when absent or null. */
  static JsonNode field(ObjectNode o, String name) {
    JsonNode exact = o.get(name);
    if (exact != null) {
      return exact.isNull() ? null : exact;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      var e = it.next();
      if (e.getKey().toLowerCase(Locale.ROOT).equals(name)) {
        return e.getValue().isNull() ? null : e.getValue();
      }
    }
    return null;
  }

  private static ToxiError mismatch(JsonNode v, String where, String goType) {
    return ToxiError.BAD_REQUEST_BODY.with("json: cannot unmarshal " + kind(v) + " into Go struct field " + where + " of type " + goType);
  }

  static String string(ObjectNode o, String name, String struct, String current) {
    JsonNode v = field(o, name);
    if (v == null) {
      return current;
    }
    if (!v.isTextual()) {
      throw mismatch(v, struct + "." + name, "string");
    }
    return v.asText();
  }

  static boolean bool(ObjectNode o, String name, String struct, boolean current) {
    JsonNode v = field(o, name);
    if (v == null) {
      return current;
    }
    if (!v.isBoolean()) {
      throw mismatch(v, struct + "." + name, "bool");
    }
    return v.asBoolean();
  }

  static float float32(ObjectNode o, String name, String struct, float current) {
    JsonNode v = field(o, name);
    if (v == null) {
      return current;
    }
    if (!v.isNumber()) {
      throw mismatch(v, struct + "." + name, "float32");
    }
    return v.floatValue();
  }

  /** An integer attribute ({@code int64} or {@code int} in Go); 1.5 is "number 1.5". */
  static long integer(ObjectNode o, String name, String struct, long current, String goType) {
    JsonNode v = field(o, name);
    if (v == null) {
      return current;
    }
    if (!v.isNumber()) {
      throw mismatch(v, struct + "." + name, goType);
    }
    if (!v.canConvertToExactIntegral() || !v.canConvertToLong()) {
      throw ToxiError.BAD_REQUEST_BODY.with("json: cannot unmarshal number " + v.asText() + " into Go struct field " + struct + "." + name + " of type " + goType);
    }
    return v.longValue();
  }
}
