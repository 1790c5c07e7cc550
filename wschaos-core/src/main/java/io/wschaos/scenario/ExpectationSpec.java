package io.wschaos.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.expect.Expectation;

/**
 * One validated {@code expect} entry.
 *
 * @param id the name, or name#N when several entries share it (reports and verdict events use it)
 * @param source the entry as written, for reports
 */
public record ExpectationSpec(String id, Expectation expectation, JsonNode source) {
  public String name() {
    return expectation.name();
  }
}
