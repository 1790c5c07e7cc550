package io.wschaos.expect;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.spec.Tolerance;

/**
 * An expectation's own {@code tolerance}, overriding the scenario's: {@code 250ms} (absolute only),
 * {@code 10%} (relative only), {@code 100ms + 5%}, or {@code {absolute: 100ms, relative: 0.05}}.
 * A parameter record may declare {@code Tolerance tolerance} directly: {@code ParamBinding} parses it
 * with {@link Tolerance#parse}; {@link #parse} is for records that still keep a {@code JsonNode}.
 */
public final class ToleranceParam {
  public static final String ALLOWED = Tolerance.ALLOWED;

  private ToleranceParam() {}

  /** Parses {@code n} at {@code key}; null when absent (the grammar is {@link Tolerance#parse}'s). */
  public static Tolerance parse(JsonNode n, String key) {
    return Tolerance.parse(n, key);
  }

  /** The tolerance a judgement uses: the expectation's own, else the scenario's, else 100 ms + 5 %. */
  public static Tolerance pick(Tolerance own, Judging judging) {
    if (own != null) {
      return own;
    }
    return judging.tolerance() != null ? judging.tolerance() : Tolerance.DEFAULT;
  }
}
