package io.wschaos.expect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Leg;
import io.wschaos.spec.ParamException;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.MessageMatcher;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Set;

/**
 * A count over the timeline, shared by {@code events} and {@code survives.still}: events of one
 * {@code kind}, optionally going {@code to} a side, optionally matching {@code match}; the count
 * must lie in {@code count: {min, max}}; {@code kind} defaults to {@code message} when {@code to} or
 * {@code match} is given (or {@code count: N} exactly; {@code min} and {@code max}
 * may also be written at the top level). With neither, at least one.
 *
 * <p>{@code match} reads a {@code message}'s payload (its preview, as JSON); for every other kind it
 * reads the event's own fields as the timeline writes them ({@code {code: 4001}} for a close,
 * {@code {fault: outage, action: dropped}} for a fault, {@code {opcode: ping}} for a frame).
 */
public final class EventCount {
  public static final Set<String> KINDS =
      Set.of("attempt", "rejected", "open", "message", "frame", "close", "abort", "ended", "fault", "client", "server", "http");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The parameters as written. */
  public record Spec(String kind, Direction to, JsonNode match, JsonNode count, Integer min, Integer max) {}

  private final String kind;
  private final Direction to;
  private final MessageMatcher match;
  private final int min;
  private final Integer max;

  private EventCount(String kind, Direction to, MessageMatcher match, int min, Integer max) {
    this.kind = kind;
    this.to = to;
    this.match = match;
    this.min = min;
    this.max = max;
  }

  /** Validates {@code s}; problems are keyed under {@code prefix} ("" or "still."). */
  public static EventCount parse(Spec s, String prefix) {
    if (s.kind() == null && (s.to() != null || s.match() != null && !s.match().isNull())) {
      // a direction or a payload match only makes sense for messages: the usual case needs no kind
      s = new Spec("message", s.to(), s.match(), s.count(), s.min(), s.max());
    }
    ParamException.require(s.kind() != null, prefix + "kind", "kind is one of " + String.join(", ", List.copyOf(new java.util.TreeSet<>(KINDS))));
    ParamException.require(KINDS.contains(s.kind()), prefix + "kind", "'" + s.kind() + "' is not a kind of event (" + String.join(", ", List.copyOf(new java.util.TreeSet<>(KINDS))) + ")");
    ParamException.require(s.to() == null || Set.of("message", "frame", "fault").contains(s.kind()), prefix + "to", "to goes with kind message, frame or fault");
    Integer min = s.min();
    Integer max = s.max();
    if (s.count() != null && !s.count().isNull()) {
      ParamException.require(min == null && max == null, prefix + "count", "give count or min/max, not both");
      JsonNode c = s.count();
      if (c.isInt()) {
        min = c.asInt();
        max = c.asInt();
      } else {
        ParamException.require(c.isObject(), prefix + "count", "count is a number (exactly) or {min: N, max: N}");
        for (var it = c.fieldNames(); it.hasNext(); ) {
          String k = it.next();
          ParamException.require(k.equals("min") || k.equals("max"), prefix + "count." + k, "unknown key '" + k + "' (allowed: min, max)");
          ParamException.require(c.get(k).isInt(), prefix + "count." + k, k + " is a whole number ≥ 0");
        }
        min = c.has("min") ? c.get("min").asInt() : null;
        max = c.has("max") ? c.get("max").asInt() : null;
      }
    }
    ParamException.require(min == null || min >= 0, prefix + "min", "min is a whole number ≥ 0");
    ParamException.require(max == null || max >= 0, prefix + "max", "max is a whole number ≥ 0");
    ParamException.require(min == null || max == null || min <= max, prefix + "max", "max (" + max + ") is below min (" + min + ")");
    MessageMatcher matcher = null;
    if (s.match() != null && !s.match().isNull()) {
      StringBuilder problems = new StringBuilder();
      String[] at = {""};
      matcher = MessageMatcher.parse(s.match(), (k, m) -> {
        if (problems.length() == 0) {
          at[0] = k;
          problems.append(m);
        }
      });
      if (matcher == null) {
        throw new ParamException(prefix + "match" + (at[0].isEmpty() ? "" : "." + at[0]), problems.toString());
      }
    }
    return new EventCount(s.kind(), s.to(), matcher, min == null ? (max == null ? 1 : 0) : min, max);
  }

  /** Counts the declared messages {@code d} (e.g. the scenario's acks): at least one by default. */
  public static EventCount of(Messages.Declaration d) {
    return new EventCount("message", d.to(), d.match(), 1, null);
  }

  public boolean matches(Event e, Story story) {
    if (!e.kind().equals(kind)) {
      return false;
    }
    if (to != null) {
      Direction d =
          e.body() instanceof EventBody.Message m ? m.to()
              : e.body() instanceof EventBody.ControlFrame f ? f.to()
              : e.body() instanceof EventBody.Fault f ? f.to()
              : null;
      if (d != to) {
        return false;
      }
    }
    if (match == null) {
      return true;
    }
    return e.body() instanceof EventBody.Message ? match.matches(story.json(e)) : match.matches(fields(e));
  }

  public int min() {
    return min;
  }

  /** null: no upper bound. */
  public Integer max() {
    return max;
  }

  public boolean holds(long n) {
    return n >= min && (max == null || n <= max);
  }

  /** "message events to server matching {"type":"ack"}". */
  public String describe() {
    return kind + " events" + qualifiers();
  }

  /** "1 message event to server matching {"type":"ack"}", "4 message events …". */
  public String counted(long n) {
    return n + " " + kind + (n == 1 ? " event" : " events") + qualifiers();
  }

  private String qualifiers() {
    return (to == null ? "" : " to " + to.wire()) + (match == null ? "" : " matching " + match);
  }

  /** "at least 5", "at most 2", "between 1 and 3", "exactly 3". */
  public String range() {
    if (max == null) {
      return "at least " + min;
    }
    if (min == max) {
      return "exactly " + min;
    }
    return min == 0 ? "at most " + max : "between " + min + " and " + max;
  }

  /** The event's fields as the timeline writes them: snake_case names, directions and legs by wire name. */
  static ObjectNode fields(Event e) {
    ObjectNode o = JSON.createObjectNode();
    o.put("kind", e.kind());
    o.put("link", e.link());
    o.put("client", e.client());
    if (e.body() instanceof EventBody.Unknown u) {
      u.fields().forEach((k, v) -> o.set(k, JSON.valueToTree(v)));
      return o;
    }
    if (!e.body().getClass().isRecord()) {
      return o;
    }
    for (RecordComponent rc : e.body().getClass().getRecordComponents()) {
      try {
        Object v = rc.getAccessor().invoke(e.body());
        if (v == null) {
          continue;
        }
        String name = rc.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
        if (v instanceof Direction d) {
          o.put(name, d.wire());
        } else if (v instanceof Leg l) {
          o.put(name, l.wire());
        } else {
          o.set(name, JSON.valueToTree(v));
        }
      } catch (ReflectiveOperationException ex) {
        // a field that cannot be read cannot match
      }
    }
    return o;
  }
}
