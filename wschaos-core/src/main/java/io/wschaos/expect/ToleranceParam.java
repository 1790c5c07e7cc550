package io.wschaos.expect;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.spec.Durations;
import io.wschaos.spec.ParamException;
import io.wschaos.spec.Tolerance;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An expectation's own {@code tolerance}, overriding the scenario's: {@code 250ms} (absolute only),
 * {@code 10%} (relative only), {@code 100ms + 5%}, or {@code {absolute: 100ms, relative: 0.05}}.
 */
public final class ToleranceParam {
  public static final String ALLOWED = "a duration (250ms), a percentage (10%), both (100ms + 5%), or {absolute: 100ms, relative: 0.05}";
  private static final Pattern PERCENT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*%");

  private ToleranceParam() {}

  /** Parses {@code n} at {@code key}; null when absent. */
  public static Tolerance parse(JsonNode n, String key) {
    if (n == null || n.isNull()) {
      return null;
    }
    try {
      if (n.isObject()) {
        for (var it = n.fieldNames(); it.hasNext(); ) {
          String k = it.next();
          ParamException.require(k.equals("absolute") || k.equals("relative"), key + "." + k, "unknown key '" + k + "' (allowed: absolute, relative)");
        }
        Duration abs = n.has("absolute") ? Durations.parse(n.get("absolute").asText()) : Duration.ZERO;
        ParamException.require(!n.has("relative") || n.get("relative").isNumber(), key + ".relative", "relative is a fraction like 0.05");
        double rel = n.has("relative") ? n.get("relative").asDouble() : 0;
        return new Tolerance(abs, rel);
      }
      ParamException.require(n.isTextual(), key, n + " is not " + ALLOWED);
      Duration abs = Duration.ZERO;
      double rel = 0;
      for (String part : n.asText().split("\\+")) {
        String p = part.trim();
        Matcher m = PERCENT.matcher(p);
        if (m.matches()) {
          rel += Double.parseDouble(m.group(1)) / 100;
        } else {
          abs = abs.plus(Durations.parse(p));
        }
      }
      return new Tolerance(abs, rel);
    } catch (ParamException e) {
      if (e.getMessage() != null && (e.key().equals("absolute") || e.key().equals("relative"))) {
        throw new ParamException(key, e.getMessage());
      }
      throw e;
    } catch (IllegalArgumentException e) {
      throw new ParamException(key, n + " is not " + ALLOWED);
    }
  }

  /** The tolerance a judgement uses: the expectation's own, else the scenario's, else 100 ms + 5 %. */
  public static Tolerance pick(Tolerance own, Judging judging) {
    if (own != null) {
      return own;
    }
    return judging.tolerance() != null ? judging.tolerance() : Tolerance.DEFAULT;
  }
}
