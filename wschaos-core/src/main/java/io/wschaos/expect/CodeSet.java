package io.wschaos.expect;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.spec.ParamException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A set of close codes or HTTP statuses as scenario files write it: {@code 1001},
 * {@code [1001, 1012]}, {@code 4000-4999} (a string range), or a list mixing both.
 */
public final class CodeSet {
  private static final Pattern RANGE = Pattern.compile("\\s*(\\d+)\\s*-\\s*(\\d+)\\s*");

  private record Span(int from, int to) {
    String describe() {
      return from == to ? String.valueOf(from) : from + "-" + to;
    }
  }

  private final List<Span> spans;

  private CodeSet(List<Span> spans) {
    this.spans = List.copyOf(spans);
  }

  public static CodeSet of(int... codes) {
    List<Span> s = new ArrayList<>();
    for (int c : codes) {
      s.add(new Span(c, c));
    }
    return new CodeSet(s);
  }

  /**
   * Parses {@code n}; every code must lie in [{@code min}, {@code max}]. {@code what} names the
   * values in messages ("close code", "HTTP status").
   */
  public static CodeSet parse(JsonNode n, String key, String what, int min, int max) {
    String allowed = "a " + what + " (" + min + "-" + max + "), a list of them, or a range like \"" + (min < 1000 ? "500-599" : "4000-4999") + "\"";
    List<Span> spans = new ArrayList<>();
    List<JsonNode> items = new ArrayList<>();
    if (n != null && n.isArray()) {
      n.forEach(items::add);
      ParamException.require(!items.isEmpty(), key, "an empty list selects nothing: " + allowed);
    } else {
      items.add(n);
    }
    for (JsonNode item : items) {
      Span s = span(item, key, allowed);
      ParamException.require(s.from >= min && s.to <= max, key, s.describe() + " is not " + allowed);
      ParamException.require(s.from <= s.to, key, "the range " + s.from + "-" + s.to + " is empty: write the smaller code first");
      spans.add(s);
    }
    return new CodeSet(spans);
  }

  private static Span span(JsonNode item, String key, String allowed) {
    if (item != null && item.isInt()) {
      return new Span(item.asInt(), item.asInt());
    }
    if (item != null && item.isTextual()) {
      String t = item.asText().trim();
      if (t.matches("\\d+")) {
        int c = Integer.parseInt(t);
        return new Span(c, c);
      }
      Matcher m = RANGE.matcher(t);
      if (m.matches()) {
        return new Span(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
      }
    }
    throw new ParamException(key, (item == null ? "nothing" : item.toString()) + " is not " + allowed);
  }

  public boolean contains(int code) {
    for (Span s : spans) {
      if (code >= s.from && code <= s.to) {
        return true;
      }
    }
    return false;
  }

  /** "1001", "1001 or 1012", "4000-4999". */
  public String describe() {
    List<String> parts = spans.stream().map(Span::describe).toList();
    return parts.size() == 1 ? parts.get(0) : String.join(", ", parts.subList(0, parts.size() - 1)) + " or " + parts.get(parts.size() - 1);
  }

  @Override
  public String toString() {
    return describe();
  }
}
