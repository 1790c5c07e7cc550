package io.wschaos.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.expect.Expectation;

/**
 * One validated {@code expect} entry.
 *
 * @param id the name, or name#N when several entries share it (reports and verdict events use it)
 * @param name the YAML name, from the catalogue
 * @param source the entry as written, for reports
 */
public record ExpectationSpec(String id, String name, Expectation expectation, JsonNode source) {}
