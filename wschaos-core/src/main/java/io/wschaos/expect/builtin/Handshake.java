package io.wschaos.expect.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.expect.Expectation;
import io.wschaos.expect.Judging;
import io.wschaos.expect.PerClient;
import io.wschaos.expect.Say;
import io.wschaos.expect.Story;
import io.wschaos.expect.Verdict;
import io.wschaos.spec.ParamException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Every attempt carries what it must: query parameters, headers (names in any case), offered
 * subprotocols. A requirement is a literal value, {@code {exists: true|false}}, {@code {regex: …}}
 * or {@code {gt|gte|lt|lte: n}}; a list of names means "present". Judged on the raw handshake
 * (before redaction); sentences mask values of secret-looking keys. With {@code every_attempt:
 * false} only each client's first attempt is judged. Attempts a fault reset on accept sent no
 * request and are skipped. Anchor: at least one judged attempt. A missing item fails at once.
 */
public final class Handshake implements Expectation {
  private static final Pattern SECRET = Pattern.compile("token|key|secret|pass|auth|sig|cookie", Pattern.CASE_INSENSITIVE);

  /**
   * @param query required query parameters: [names] or {name: requirement}
   * @param headers required headers: [names] or {name: requirement}
   * @param subprotocols subprotocols every attempt must offer
   * @param every_attempt judge every attempt (default true) or only each client's first
   */
  public record Params(JsonNode query, JsonNode headers, List<String> subprotocols, Boolean every_attempt, JsonNode client) {
    public Params {
      PerClient.pooled(client);
      ParamException.require(query != null || headers != null || subprotocols != null, "",
          "handshake needs at least one of query, headers or subprotocols");
      Requirement.parseAll(query, "query");
      Requirement.parseAll(headers, "headers");
      ParamException.require(subprotocols == null || !subprotocols.isEmpty(), "subprotocols", "subprotocols is a non-empty list, e.g. [feed.v1]");
      every_attempt = every_attempt == null || every_attempt;
    }
  }

  /** One requirement on a named value (a query parameter or a header). */
  record Requirement(String name, String describe, java.util.function.Predicate<List<String>> test) {
    static List<Requirement> parseAll(JsonNode n, String key) {
      List<Requirement> out = new ArrayList<>();
      if (n == null || n.isNull()) {
        return out;
      }
      if (n.isArray()) {
        ParamException.require(!n.isEmpty(), key, key + " lists at least one name");
        for (JsonNode item : n) {
          ParamException.require(item.isTextual() && !item.asText().isBlank(), key, key + " is a list of names or {name: requirement}");
          out.add(present(item.asText()));
        }
        return out;
      }
      ParamException.require(n.isObject() && !n.isEmpty(), key, key + " is a list of names, or {name: value | {exists: true} | {regex: …} | {gt: n}}");
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        out.add(parse(e.getKey(), e.getValue(), key + "." + e.getKey()));
      }
      return out;
    }

    static Requirement present(String name) {
      return new Requirement(name, "present", v -> !v.isEmpty() && !v.get(0).isEmpty());
    }

    static Requirement parse(String name, JsonNode v, String key) {
      if (v.isValueNode() && !v.isNull()) {
        String want = v.asText();
        return new Requirement(name, "= " + (SECRET.matcher(name).find() ? "***" : want), vs -> vs.contains(want));
      }
      ParamException.require(v.isObject() && v.size() == 1, key, "a requirement is a value or one of {exists: true}, {regex: …}, {gt|gte|lt|lte: n}");
      String op = v.fieldNames().next();
      JsonNode arg = v.get(op);
      switch (op) {
        case "exists" -> {
          ParamException.require(arg.isBoolean(), key + ".exists", "exists takes true or false");
          boolean want = arg.asBoolean();
          return want ? present(name) : new Requirement(name, "absent", List::isEmpty);
        }
        case "regex" -> {
          try {
            Pattern re = Pattern.compile(arg.asText());
            return new Requirement(name, "matching /" + arg.asText() + "/", vs -> vs.stream().anyMatch(x -> re.matcher(x).find()));
          } catch (PatternSyntaxException ex) {
            throw new ParamException(key + ".regex", "'" + arg.asText() + "' is not a valid regular expression: " + ex.getDescription());
          }
        }
        case "gt", "gte", "lt", "lte" -> {
          ParamException.require(arg.isNumber(), key + "." + op, op + " takes a number");
          double bound = arg.asDouble();
          String sym = switch (op) {
            case "gt" -> ">";
            case "gte" -> "≥";
            case "lt" -> "<";
            default -> "≤";
          };
          return new Requirement(name, sym + " " + Say.trim(bound), vs -> vs.stream().anyMatch(x -> {
            try {
              double d = Double.parseDouble(x);
              return switch (op) {
                case "gt" -> d > bound;
                case "gte" -> d >= bound;
                case "lt" -> d < bound;
                default -> d <= bound;
              };
            } catch (NumberFormatException e) {
              return false;
            }
          }));
        }
        default -> throw new ParamException(key, "unknown operator '" + op + "' (allowed: exists, regex, gt, gte, lt, lte)");
      }
    }
  }

  private final Params p;
  private final List<Requirement> query;
  private final List<Requirement> headers;

  public Handshake(Params p) {
    this.p = p;
    this.query = Requirement.parseAll(p.query(), "query");
    this.headers = Requirement.parseAll(p.headers(), "headers");
  }

  @Override
  public Verdict judge(Judging judging) {
    return PerClient.judge(judging, PerClient.pooled(p.client()), this::judgeOne);
  }

  /** One client's judgement (or all clients', pooled). */
  private Verdict judgeOne(Judging judging) {
    Story st = Story.of(judging);
    List<String> wants = new ArrayList<>();
    query.forEach(r -> wants.add("query " + r.name() + " " + r.describe()));
    headers.forEach(r -> wants.add("header " + r.name() + " " + r.describe()));
    if (p.subprotocols() != null) {
      wants.add("subprotocol" + (p.subprotocols().size() == 1 ? " " : "s ") + String.join(", ", p.subprotocols()));
    }
    String want = Say.and(wants);
    String scope = p.every_attempt() ? "every attempt" : "each client's first attempt";
    int judged = 0;
    int reset = 0;
    List<Long> evidence = new ArrayList<>();
    for (Story.Attempt a : st.attempts()) {
      if (!p.every_attempt() && a.number() != 1) {
        continue;
      }
      if (a.reset()) {
        reset++;
        continue;
      }
      judged++;
      evidence.add(a.seq());
      String which = "attempt " + a.number() + " of " + st.where(a.client(), a.link()) + " at " + Say.s(a.t());
      Map<String, List<String>> params = Story.queryParams(a.body().query());
      for (Requirement r : query) {
        List<String> v = params.getOrDefault(r.name(), List.of());
        if (!r.test().test(v)) {
          return Verdict.fail("expected " + scope + " to carry " + want + "; " + which + " had query " + r.name() + " " + shown(r.name(), v),
              List.of(a.seq()));
        }
      }
      for (Requirement r : headers) {
        List<String> v = Story.headerValues(a.body(), r.name());
        if (!r.test().test(v)) {
          return Verdict.fail("expected " + scope + " to carry " + want + "; " + which + " had header " + r.name() + " " + shown(r.name(), v),
              List.of(a.seq()));
        }
      }
      if (p.subprotocols() != null) {
        List<String> offered = a.body().subprotocols() == null ? List.of() : a.body().subprotocols();
        for (String sp : p.subprotocols()) {
          if (!offered.contains(sp)) {
            return Verdict.fail("expected " + scope + " to carry " + want + "; " + which + " offered "
                + (offered.isEmpty() ? "no subprotocol" : "only " + String.join(", ", offered)), List.of(a.seq()));
          }
        }
      }
    }
    if (judged == 0) {
      boolean allReset = reset > 0;
      return st.environmentError(st.clients())
          .orElseGet(() -> Verdict.undecided(judging.runOver(), (allReset ? "every attempt so far was reset on accept and sent no request" : "no attempt was seen")
              + (judging.runOver() ? "" : " yet"), List.of()));
    }
    return Verdict.pass(judging.runOver(), Say.n(judged, "attempt", "attempts") + (p.every_attempt() ? "" : " (each client's first)") + " carried " + want
        + (reset == 0 ? "" : "; " + reset + " reset on accept sent no request"), evidence);
  }

  private static String shown(String name, List<String> values) {
    if (values.isEmpty()) {
      return "missing";
    }
    if (SECRET.matcher(name).find()) {
      return "= *** (" + values.size() + (values.size() == 1 ? " value" : " values") + ", none as required)";
    }
    return "= " + String.join(", ", values.stream().map(v -> "'" + v + "'").toList());
  }
}
