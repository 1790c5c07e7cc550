package io.wschaos.expect;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.frame.Direction;
import io.wschaos.spec.ParamException;
import io.wschaos.timeline.MessageMatcher;
import java.util.Iterator;
import java.util.Set;

/**
 * A kind of message an expectation talks about (DESIGN.md, "Message semantics, declared once"): a
 * string names a {@code messages:} declaration; an inline {@code {match, field}} (also
 * {@code seq} for field, and optionally {@code to}) overrides it. Absent, the expectation's default
 * declaration is used.
 */
public final class MessageRef {
  private static final Set<String> KEYS = Set.of("match", "field", "seq", "to");

  private final String name;
  private final Messages.Declaration inline;

  private MessageRef(String name, Messages.Declaration inline) {
    this.name = name;
    this.inline = inline;
  }

  /** The declaration called {@code name}. */
  public static MessageRef named(String name) {
    return new MessageRef(name, null);
  }

  /**
   * Parses {@code n} at {@code key}; null when {@code n} is absent. {@code numbered}: the message
   * must carry a number (a sequence or an ack), so an inline form needs a field.
   */
  public static MessageRef parse(JsonNode n, String key, boolean numbered) {
    if (n == null || n.isNull()) {
      return null;
    }
    String allowed = "the name of a messages: declaration, or {match: {…}" + (numbered ? ", field: /pointer" : "") + "}";
    if (n.isTextual()) {
      ParamException.require(!n.asText().isBlank(), key, key + " is " + allowed);
      return named(n.asText().trim());
    }
    ParamException.require(n.isObject(), key, n + " is not " + allowed);
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      ParamException.require(KEYS.contains(k), key + "." + k, "unknown key '" + k + "' (allowed: field, match, seq, to)");
    }
    ParamException.require(!(n.has("field") && n.has("seq")), key + ".seq", "give field or seq (the same thing), not both");
    JsonNode fieldNode = n.has("field") ? n.get("field") : n.get("seq");
    String fieldKey = key + (n.has("field") ? ".field" : ".seq");
    String field = null;
    if (fieldNode != null) {
      ParamException.require(fieldNode.isTextual() && !fieldNode.asText().isBlank(), fieldKey, "the field is a JSON pointer like /seq");
      field = fieldNode.asText().startsWith("/") ? fieldNode.asText() : "/" + fieldNode.asText();
    }
    ParamException.require(!numbered || field != null, key, key + " needs field: the JSON pointer of its number, e.g. {match: {type: data}, field: /seq}");
    MessageMatcher matcher = null;
    if (n.has("match")) {
      StringBuilder problems = new StringBuilder();
      String[] at = {""};
      matcher = MessageMatcher.parse(n.get("match"), (k, m) -> {
        if (problems.length() == 0) {
          at[0] = k;
          problems.append(m);
        }
      });
      if (matcher == null) {
        throw new ParamException(key + ".match" + (at[0].isEmpty() ? "" : "." + at[0]), problems.toString());
      }
    }
    Direction to = null;
    if (n.has("to")) {
      String t = n.get("to").asText();
      ParamException.require(t.equals("server") || t.equals("client"), key + ".to", "'" + t + "' is not a direction (server or client)");
      to = Direction.fromWire(t);
    }
    return new MessageRef(null, new Messages.Declaration(null, to, matcher, field));
  }

  /**
   * The declaration this names (or the inline one), with {@code defaultTo} filled in when it says
   * no direction; null when the name is not declared.
   */
  public Messages.Declaration resolve(Messages messages, Direction defaultTo) {
    Messages.Declaration d = inline != null ? inline : messages == null ? null : messages.get(name);
    if (d == null) {
      return null;
    }
    return d.to() != null || defaultTo == null ? d : new Messages.Declaration(d.name(), defaultTo, d.match(), d.field());
  }

  public boolean isInline() {
    return inline != null;
  }

  /** "client_seq" or "{type: tick} at /n". */
  public String describe() {
    if (inline == null) {
      return name;
    }
    return (inline.match() == null ? "any message" : inline.match().toString()) + (inline.field() == null ? "" : " at " + inline.field());
  }

  /** Said when the named declaration is missing. */
  public String undeclared(String param) {
    return "messages." + name + " is not declared: declare it under messages: or give " + param + " as {match: {…}, field: /pointer}";
  }

  /** How a declaration reads in a sentence: "client_seq (/n of {"type":"tick"} to server)". */
  public static String describe(Messages.Declaration d) {
    String what = (d.match() == null ? "messages" : d.match().toString()) + (d.to() == null ? "" : " to " + d.to().wire());
    String field = d.field() == null ? "" : d.field() + " of ";
    return d.name() == null ? field + what : d.name() + " (" + field + what + ")";
  }
}
