package io.wschaos.fault;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One validated fault entry: its id, the fault's YAML name (from the catalogue), the fault with its
 * parameters, and its trigger.
 *
 * @param preset the preset it was expanded from, or null
 * @param source the entry as written (JSON), for reports and the API
 */
public record FaultSpec(String id, String name, Fault fault, Trigger trigger, String preset, JsonNode source) {
  /** {@code optional: true}: the scenario may pass though this fault never fired. */
  public boolean optional() {
    return source != null && source.path("optional").asBoolean(false);
  }
}
