package io.wschaos.timeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The small JSON matcher of scenario files: {@code match: {type: data, /data/kind: x, seq: {gt: 5}}}.
 * Keys are top-level fields or JSON pointers; values are literals or one of {@code {regex: …}},
 * {@code {exists: true|false}}, {@code {gt|gte|lt|lte: n}}. All keys must match. A payload that is
 * not a JSON object matches nothing.
 */
public final class MessageMatcher {
  public static final String ALLOWED_OPERATORS = "regex, exists, gt, gte, lt, lte";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final JsonNode spec;
  private final List<Map.Entry<String, Predicate<JsonNode>>> tests;

  private MessageMatcher(JsonNode spec, List<Map.Entry<String, Predicate<JsonNode>>> tests) {
    this.spec = spec;
    this.tests = tests;
  }

  /**
   * Builds a matcher from its scenario form. Problems are reported through {@code problem} as
   * (key relative to the matcher, message), and the matcher is null if there were any.
   */
  public static MessageMatcher parse(JsonNode spec, java.util.function.BiConsumer<String, String> problem) {
    if (!(spec instanceof ObjectNode obj) || obj.isEmpty()) {
      problem.accept("", "a match is an object of field: value pairs, e.g. {type: data}");
      return null;
    }
    List<Map.Entry<String, Predicate<JsonNode>>> tests = new ArrayList<>();
    boolean ok = true;
    for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String pointer = e.getKey().startsWith("/") ? e.getKey() : "/" + e.getKey().replace("~", "~0").replace("/", "~1");
      Predicate<JsonNode> test = valueTest(e.getKey(), e.getValue(), problem);
      if (test == null) {
        ok = false;
      } else {
        tests.add(Map.entry(pointer, test));
      }
    }
    return ok ? new MessageMatcher(spec, List.copyOf(tests)) : null;
  }

  private static Predicate<JsonNode> valueTest(String key, JsonNode v, java.util.function.BiConsumer<String, String> problem) {
    if (!(v instanceof ObjectNode op)) {
      return node -> node != null && !node.isMissingNode() && literalEquals(node, v);
    }
    if (op.size() != 1) {
      problem.accept(key, "an operator object has exactly one of " + ALLOWED_OPERATORS);
      return null;
    }
    String name = op.fieldNames().next();
    JsonNode arg = op.get(name);
    switch (name) {
      case "regex" -> {
        try {
          Pattern p = Pattern.compile(arg.asText());
          return node -> node != null && node.isValueNode() && !node.isNull() && p.matcher(node.asText()).find();
        } catch (PatternSyntaxException ex) {
          problem.accept(key + ".regex", "'" + arg.asText() + "' is not a valid regular expression: " + ex.getDescription());
          return null;
        }
      }
      case "exists" -> {
        if (!arg.isBoolean()) {
          problem.accept(key + ".exists", "exists takes true or false");
          return null;
        }
        boolean want = arg.asBoolean();
        return node -> (node != null && !node.isMissingNode()) == want;
      }
      case "gt", "gte", "lt", "lte" -> {
        if (!arg.isNumber()) {
          problem.accept(key + "." + name, name + " takes a number, got " + arg);
          return null;
        }
        double bound = arg.asDouble();
        return node -> {
          if (node == null || !node.isNumber()) {
            return false;
          }
          double x = node.asDouble();
          return switch (name) {
            case "gt" -> x > bound;
            case "gte" -> x >= bound;
            case "lt" -> x < bound;
            default -> x <= bound;
          };
        };
      }
      default -> {
        problem.accept(key, "unknown operator '" + name + "' (allowed: " + ALLOWED_OPERATORS + ")");
        return null;
      }
    }
  }

  private static boolean literalEquals(JsonNode actual, JsonNode expected) {
    if (actual.isNumber() && expected.isNumber()) {
      return actual.decimalValue().compareTo(expected.decimalValue()) == 0;
    }
    return actual.equals(expected);
  }

  /** Parses {@code text} as JSON and matches it; null when it is not a JSON object. */
  public static JsonNode parseJson(String text) {
    String t = text == null ? "" : text.stripLeading();
    if (t.isEmpty() || t.charAt(0) != '{') {
      return null; // cheap refusal: only objects can match
    }
    try {
      JsonNode n = JSON.readTree(text);
      return n != null && n.isObject() ? n : null;
    } catch (Exception e) {
      return null;
    }
  }

  public boolean matches(JsonNode json) {
    if (json == null) {
      return false;
    }
    for (Map.Entry<String, Predicate<JsonNode>> t : tests) {
      if (!t.getValue().test(json.at(t.getKey()))) {
        return false;
      }
    }
    return true;
  }

  public boolean matchesText(String text) {
    return matches(parseJson(text));
  }

  /** The matcher as written, for reports and the API. */
  public JsonNode spec() {
    return spec;
  }

  @Override
  public String toString() {
    return spec.toString();
  }
}
