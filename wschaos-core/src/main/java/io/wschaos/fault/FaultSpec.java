package io.wschaos.fault;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One validated fault entry: its id, the fault with its parameters, and its trigger.
 *
 * @param preset the preset it was expanded from, or null
 * @param source the entry as written (JSON), for reports and the API
 */
public record FaultSpec(String id, Fault fault, Trigger trigger, String preset, JsonNode source) {
  public String name() {
    return fault.name();
  }

  /** {@code optional: true}: the scenario may pass though this fault never fired. */
  public boolean optional() {
    return source != null && source.path("optional").asBoolean(false);
  }
}
