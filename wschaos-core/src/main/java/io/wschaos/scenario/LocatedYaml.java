package io.wschaos.scenario;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.wschaos.spec.Problem;
import io.wschaos.spec.Problem.Location;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A YAML document read into a Jackson tree while streaming its tokens, with the location of every
 * node kept by key path ({@code faults[1].close.code}): the key's (or list item's) line and column
 * and the value's. Problems found later by key path alone (fault and expectation parameters) are
 * located with {@link #locate}.
 *
 * <p>Scalars follow YAML 1.2: only {@code true} and {@code false} are booleans, so {@code reason:
 * off} stays the text "off". Duplicate keys and aliases are problems; so is a second document.
 */
final class LocatedYaml {
  private static final YAMLFactory YAML = new YAMLFactory();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;


  /** Where a node is: its key (for a list item, the item's start), its value, and whether the value is a mapping or list. */
  record Place(Location key, Location value, boolean container) {}

  private final String file;
  private final JsonNode root;
  private final Map<String, Place> places;
  private final List<Problem> issues;

  private LocatedYaml(String file, JsonNode root, Map<String, Place> places, List<Problem> issues) {
    this.file = file;
    this.root = root;
    this.places = places;
    this.issues = issues;
  }

  /** Reads {@code text}; {@code file} names it in locations. A syntax error leaves {@link #root()} null. */
  static LocatedYaml parse(String text, String file) {
    Map<String, Place> places = new LinkedHashMap<>();
    List<Problem> issues = new ArrayList<>();
    Reader r = new Reader(file, places, issues);
    JsonNode root = null;
    try (JsonParser p = YAML.createParser(text)) {
      if (p.nextToken() != null) {
        root = r.read(p, "", null);
        if (p.nextToken() != null) {
          issues.add(new Problem("", "a scenario file holds one YAML document; a second one starts here", false, r.mark(p)));
        }
      }
    } catch (JsonProcessingException e) {
      issues.clear();
      issues.add(syntax(e, file));
      return new LocatedYaml(file, null, Map.of(), issues);
    } catch (IOException e) {
      issues.clear();
      issues.add(new Problem("", "cannot read: " + e.getMessage(), false, new Location(file, 1, 1)));
      return new LocatedYaml(file, null, Map.of(), issues);
    }
    if (root == null) {
      root = F.missingNode();
    }
    places.putIfAbsent("", new Place(new Location(file, 1, 1), new Location(file, 1, 1), false));
    return new LocatedYaml(file, root, places, issues);
  }

  private static Problem syntax(JsonProcessingException e, String file) {
    if (e.getCause() instanceof org.yaml.snakeyaml.error.MarkedYAMLException y && y.getProblemMark() != null) {
      String context = y.getContext() == null || y.getContextMark() == null
          ? ""
          : " (" + y.getContext() + " at " + (y.getContextMark().getLine() + 1) + ":" + (y.getContextMark().getColumn() + 1) + ")";
      Location at = new Location(file, y.getProblemMark().getLine() + 1, y.getProblemMark().getColumn() + 1);
      return new Problem("", "YAML syntax error: " + oneLine(y.getProblem()) + context, false, at);
    }
    JsonLocation l = e.getLocation();
    Location at = l == null ? new Location(file, 1, 1) : new Location(file, Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    return new Problem("", "YAML syntax error: " + oneLine(e.getOriginalMessage()), false, at);
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "unreadable YAML";
    }
    return s.lines().map(String::strip).filter(x -> !x.isEmpty() && !x.startsWith("in '") && !x.equals("^")).reduce((a, b) -> a + "; " + b).orElse(s).replace("\t", "\\t");
  }

  /** Streams tokens into a tree, recording places by path. */
  private static final class Reader {
    private final String file;
    private final Map<String, Place> places;
    private final List<Problem> issues;

    Reader(String file, Map<String, Place> places, List<Problem> issues) {
      this.file = file;
      this.places = places;
      this.issues = issues;
    }

    Location mark(JsonParser p) {
      JsonLocation l = p.currentTokenLocation();
      return new Location(file, Math.max(1, l.getLineNr()), Math.max(1, l.getColumnNr()));
    }

    /** Reads the value whose first token is current; {@code key} is where its key (or list item) starts. */
    JsonNode read(JsonParser p, String path, Location key) throws IOException {
      Location value = mark(p);
      JsonToken t = p.currentToken();
      places.put(path, new Place(key == null ? value : key, value, t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY));
      if (p instanceof YAMLParser y && y.isCurrentAlias()) {
        issues.add(new Problem(path, "YAML aliases (*" + p.getText() + ") are not supported; write the value out", false, value));
      }
      switch (t) {
        case START_OBJECT -> {
          ObjectNode o = F.objectNode();
          Map<String, Location> seen = new LinkedHashMap<>();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            Location k = mark(p);
            String child = path.isEmpty() ? name : path + "." + name;
            Location first = seen.putIfAbsent(name, k);
            if (first != null) {
              issues.add(new Problem(child, "duplicate key '" + name + "' (first at " + first.line() + ":" + first.column() + ")", true, k));
              p.nextToken();
              p.skipChildren();
              continue;
            }
            p.nextToken();
            o.set(name, read(p, child, k));
          }
          return o;
        }
        case START_ARRAY -> {
          ArrayNode a = F.arrayNode();
          int i = 0;
          while (p.nextToken() != JsonToken.END_ARRAY) {
            a.add(read(p, path + "[" + i++ + "]", null));
          }
          return a;
        }
        case VALUE_STRING, VALUE_EMBEDDED_OBJECT -> {
          return F.textNode(p.getText());
        }
        case VALUE_NUMBER_INT -> {
          BigInteger b = p.getBigIntegerValue();
          return b.bitLength() < 32 ? F.numberNode(b.intValue()) : b.bitLength() < 64 ? F.numberNode(b.longValue()) : F.numberNode(b);
        }
        case VALUE_NUMBER_FLOAT -> {
          return F.numberNode(p.getDoubleValue());
        }
        case VALUE_TRUE, VALUE_FALSE -> {
          String text = p.getText();
          boolean yaml12 = text.toLowerCase(Locale.ROOT).equals(t == JsonToken.VALUE_TRUE ? "true" : "false");
          return yaml12 ? F.booleanNode(t == JsonToken.VALUE_TRUE) : F.textNode(text);
        }
        case VALUE_NULL -> {
          return F.nullNode();
        }
        default -> throw new IllegalStateException("unexpected YAML token " + t);
      }
    }
  }

  String file() {
    return file;
  }

  /** The document as a tree: null after a syntax error, a missing node when the file is empty. */
  JsonNode root() {
    return root;
  }

  /** Problems of the text itself: a syntax error, duplicate keys, aliases, a second document. */
  List<Problem> issues() {
    return issues;
  }

  /**
   * This document with the top-level keys of {@code defaults} (among {@code shared}) that it lacks (a suite's wschaos.yaml:
   * merged per top-level key, the scenario winning); their places stay in the defaults' file.
   */
  LocatedYaml withDefaults(LocatedYaml defaults, java.util.Set<String> shared) {
    if (!(root instanceof ObjectNode mine) || !(defaults.root instanceof ObjectNode theirs)) {
      return this;
    }
    ObjectNode merged = mine.deepCopy();
    Map<String, Place> mergedPlaces = new LinkedHashMap<>(places);
    for (Iterator<Map.Entry<String, JsonNode>> it = theirs.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      if (merged.has(key) || !shared.contains(key)) {
        continue;
      }
      merged.set(key, e.getValue());
      defaults.places.forEach(
          (path, place) -> {
            if (path.equals(key) || path.startsWith(key + ".") || path.startsWith(key + "[")) {
              mergedPlaces.put(path, place);
            }
          });
    }
    return new LocatedYaml(file, merged, mergedPlaces, issues);
  }

  /** Where {@code issue} is: its explicit mark, else its path's key or value, else the nearest enclosing node's key. */
  Location locate(Problem issue) {
    if (issue.at() != null) {
      return issue.at();
    }
    Place exact = places.get(issue.path());
    if (exact != null) {
      if (issue.atKey() || exact.container()) {
        Location named = named(issue);
        return named != null ? named : exact.key();
      }
      return exact.value();
    }
    String best = "";
    for (String p : places.keySet()) {
      if (p.length() > best.length()
          && issue.path().startsWith(p)
          && (p.isEmpty() || issue.path().length() > p.length() && (issue.path().charAt(p.length()) == '.' || issue.path().charAt(p.length()) == '['))) {
        best = p;
      }
    }
    Place near = places.get(best);
    return near == null ? new Location(file, 1, 1) : near.key();
  }

  /** "unknown operator 'eq'" at {@code …match.type}: the key {@code eq} under that path, when it is there. */
  private Location named(Problem issue) {
    String m = issue.message();
    int q = m.indexOf('\'');
    int end = q < 0 ? -1 : m.indexOf('\'', q + 1);
    if (!m.startsWith("unknown ") || end < 0) {
      return null;
    }
    Place p = places.get(issue.path() + "." + m.substring(q + 1, end));
    return p == null ? null : p.key();
  }
}
