package io.wschaos.fault;

import io.wschaos.spec.Catalog;
import io.wschaos.spec.Durations;
import io.wschaos.spec.ParamException;
import io.wschaos.spec.Problem;
import io.wschaos.spec.SpecException;
import io.wschaos.spec.Suggest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wschaos.frame.Direction;
import io.wschaos.timeline.MessageMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Reads one fault entry (a scenario's {@code faults[i]}, or a control-API body) into fault specs:
 * the trigger keys, then exactly one fault or preset name with its parameters. Collects every
 * problem of the entry before failing.
 */
public final class FaultEntryParser {
  /** The keys of an entry that say when and where, besides its one fault name. */
  public static final Set<String> TRIGGER_KEYS = Set.of("id", "at", "on", "after", "for", "link", "every", "probability", "client", "optional");
  private static final Set<String> ON_KEYS = Set.of("open", "all_open", "attempt", "message");
  private static final Set<String> MESSAGE_KEYS = Set.of("to", "nth", "match", "link");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]*");

  private final Catalog<Fault> catalog;

  public FaultEntryParser(Catalog<Fault> catalog) {
    this.catalog = catalog;
  }

  public Catalog<Fault> catalog() {
    return catalog;
  }

  /**
   * Parses {@code entry} found at {@code path}; {@code defaultId} names it when it has no {@code id}.
   * A preset yields several specs, with ids {@code <id>.1}, {@code <id>.2}….
   */
  public List<FaultSpec> parse(JsonNode entry, String path, String defaultId) {
    List<Problem> problems = new ArrayList<>();
    if (!(entry instanceof ObjectNode obj)) {
      throw new SpecException(List.of(new Problem(path, "a fault entry is an object: a fault name with its parameters, and trigger keys")));
    }
    String id = defaultId;
    JsonNode idNode = obj.get("id");
    if (idNode != null) {
      if (!idNode.isTextual() || !ID.matcher(idNode.asText()).matches()) {
        problems.add(new Problem(path + ".id", "an id is letters, digits, '_', '-' and '.', e.g. outage"));
      } else {
        id = idNode.asText();
      }
    }
    List<String> names = new ArrayList<>();
    for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!TRIGGER_KEYS.contains(k)) {
        names.add(k);
      }
    }
    Set<String> allowedNames = new TreeSet<>(catalog.names());
    allowedNames.addAll(Presets.names());
    String name = null;
    if (names.isEmpty()) {
      problems.add(new Problem(path, "no fault named: add one of " + String.join(", ", allowedNames)));
    } else if (names.size() > 1) {
      List<String> unknown = names.stream().filter(n -> !allowedNames.contains(n)).toList();
      if (!unknown.isEmpty()) {
        for (String u : unknown) {
          Set<String> keys = new TreeSet<>(TRIGGER_KEYS);
          keys.addAll(allowedNames);
          problems.add(new Problem(path + "." + u, "unknown key '" + u + "'" + Suggest.hint(u, keys)));
        }
      } else {
        problems.add(new Problem(path, "one fault per entry, found " + String.join(" and ", names)));
      }
    } else {
      name = names.get(0);
      if (!allowedNames.contains(name)) {
        Set<String> keys = new TreeSet<>(TRIGGER_KEYS);
        keys.addAll(allowedNames);
        problems.add(new Problem(path + "." + name, "unknown fault '" + name + "'" + Suggest.hint(name, keys) + " (faults: " + String.join(", ", catalog.names()) + "; presets: " + String.join(", ", Presets.names()) + ")"));
        name = null;
      }
    }
    Trigger trigger = trigger(obj, path, problems);
    List<FaultSpec> specs = new ArrayList<>();
    if (name != null) {
      try {
        if (Presets.has(name)) {
          int i = 1;
          for (Presets.Part part : Presets.expand(name, obj.get(name), path + "." + name)) {
            Fault f = catalog.create(part.fault(), part.params(), path + "." + name);
            Trigger t = part.lasts() == null || trigger == null ? trigger : trigger.lasting(part.lasts());
            specs.add(new FaultSpec(id + "." + i++, part.fault(), f, t, name, obj));
          }
        } else {
          specs.add(new FaultSpec(id, name, catalog.create(name, obj.get(name), path + "." + name), trigger, null, obj));
        }
      } catch (SpecException e) {
        problems.addAll(e.problems());
      }
    }
    if (!problems.isEmpty()) {
      throw new SpecException(problems);
    }
    return specs;
  }

  private static Trigger trigger(ObjectNode obj, String path, List<Problem> problems) {
    int before = problems.size();
    Duration at = duration(obj, "at", path, problems);
    Duration after = duration(obj, "after", path, problems);
    Duration duration = duration(obj, "for", path, problems);
    Duration every = duration(obj, "every", path, problems);
    Trigger.On on = obj.has("on") ? on(obj.get("on"), path + ".on", problems) : null;
    Trigger.LinkScope link = obj.has("link") ? linkScope(obj.get("link"), path + ".link", problems) : null;
    Double probability = null;
    if (obj.has("probability")) {
      JsonNode p = obj.get("probability");
      if (!p.isNumber()) {
        problems.add(new Problem(path + ".probability", "a probability is a number in (0, 1], e.g. 0.1"));
      } else {
        probability = p.asDouble();
      }
    }
    if (obj.has("optional") && !obj.get("optional").isBoolean()) {
      problems.add(new Problem(path + ".optional", "optional is true or false: true lets the scenario pass though this fault never fired"));
    }
    boolean anyClient = false;
    if (obj.has("client")) {
      if (!"any".equals(obj.get("client").asText())) {
        problems.add(new Problem(path + ".client", "client takes 'any' (count across clients); the default counts per client"));
      } else {
        anyClient = true;
      }
    }
    if (problems.size() > before) {
      return null;
    }
    try {
      return new Trigger(at, on, after, duration, every, link, probability, anyClient);
    } catch (ParamException e) {
      problems.add(new Problem(path + "." + e.key(), e.getMessage()));
      return null;
    }
  }

  private static Duration duration(ObjectNode obj, String key, String path, List<Problem> problems) {
    JsonNode n = obj.get(key);
    if (n == null) {
      return null;
    }
    if (!n.isTextual()) {
      problems.add(new Problem(path + "." + key, n + " is not " + Durations.ALLOWED + " (write the unit)"));
      return null;
    }
    try {
      return Durations.parse(n.asText());
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(path + "." + key, e.getMessage()));
      return null;
    }
  }

  private static Trigger.LinkScope linkScope(JsonNode n, String path, List<Problem> problems) {
    if (n.isInt() && n.asInt() >= 1) {
      return new Trigger.LinkScope(Trigger.LinkScope.Kind.NUMBER, n.asInt());
    }
    if ("current".equals(n.asText())) {
      return Trigger.LinkScope.CURRENT;
    }
    if ("all".equals(n.asText())) {
      return Trigger.LinkScope.ALL;
    }
    problems.add(new Problem(path, "'" + n.asText() + "' is not a link scope (current, all, or a link number ≥ 1)"));
    return null;
  }

  private static Trigger.On on(JsonNode n, String path, List<Problem> problems) {
    if (!(n instanceof ObjectNode o) || o.size() != 1) {
      problems.add(new Problem(path, "on takes exactly one of " + String.join(", ", new TreeSet<>(ON_KEYS))));
      return null;
    }
    String k = o.fieldNames().next();
    JsonNode v = o.get(k);
    switch (k) {
      case "open" -> {
        if ("any".equals(v.asText())) {
          return new Trigger.OpenN(null);
        }
        if (v.isInt() && v.asInt() >= 1) {
          return new Trigger.OpenN(v.asInt());
        }
        problems.add(new Problem(path + ".open", "'" + v.asText() + "' is not an open number (1, 2, … or any)"));
      }
      case "all_open" -> {
        if (v.isBoolean() && v.asBoolean()) {
          return new Trigger.AllOpen();
        }
        problems.add(new Problem(path + ".all_open", "all_open takes true"));
      }
      case "attempt" -> {
        if (v.isInt() && v.asInt() >= 1) {
          return new Trigger.AttemptN(v.asInt());
        }
        problems.add(new Problem(path + ".attempt", "'" + v.asText() + "' is not an attempt number (1, 2, …)"));
      }
      case "message" -> {
        return message(v, path + ".message", problems);
      }
      default -> problems.add(new Problem(path + "." + k, "unknown trigger '" + k + "' (allowed: " + String.join(", ", new TreeSet<>(ON_KEYS)) + ")" + Suggest.hint(k, ON_KEYS)));
    }
    return null;
  }

  private static Trigger.On message(JsonNode v, String path, List<Problem> problems) {
    if (!(v instanceof ObjectNode m)) {
      problems.add(new Problem(path, "message takes {to, nth, match, link}"));
      return null;
    }
    int before = problems.size();
    for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!MESSAGE_KEYS.contains(k)) {
        problems.add(new Problem(path + "." + k, "unknown key '" + k + "' (allowed: link, match, nth, to)" + Suggest.hint(k, MESSAGE_KEYS)));
      }
    }
    Direction to = null;
    if (!m.has("to")) {
      problems.add(new Problem(path, "message needs to: server or client"));
    } else {
      try {
        to = Direction.fromWire(m.get("to").asText());
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(path + ".to", "'" + m.get("to").asText() + "' is not a direction (server or client)"));
      }
    }
    Integer nth = null;
    if (m.has("nth")) {
      if (m.get("nth").isInt() && m.get("nth").asInt() >= 1) {
        nth = m.get("nth").asInt();
      } else {
        problems.add(new Problem(path + ".nth", "nth is a message number ≥ 1"));
      }
    }
    MessageMatcher match = null;
    if (m.has("match")) {
      match = MessageMatcher.parse(m.get("match"), (k, msg) -> problems.add(new Problem(path + ".match" + (k.isEmpty() ? "" : "." + k), msg)));
    }
    if (!m.has("nth") && !m.has("match")) {
      problems.add(new Problem(path, "message needs nth, match, or both"));
    }
    boolean all = false;
    if (m.has("link")) {
      if ("all".equals(m.get("link").asText())) {
        all = true;
      } else if (!"current".equals(m.get("link").asText())) {
        problems.add(new Problem(path + ".link", "message link takes all (count across links) or current"));
      }
    }
    return problems.size() > before ? null : new Trigger.MessageOn(to, nth, match, all);
  }
}
