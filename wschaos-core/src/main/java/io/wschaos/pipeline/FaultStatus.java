package io.wschaos.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A fault as the control API lists it.
 *
 * @param state armed (waiting for its trigger), active, or done
 * @param links the links it acts on now
 */
public record FaultStatus(String id, String name, String state, List<Integer> links, String preset, JsonNode source) {}
