package io.wschaos.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wschaos.expect.Expectation;
import io.wschaos.spec.Catalog;
import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultEntryParser;
import io.wschaos.fault.Presets;
import io.wschaos.fault.builtin.CloseFault;
import io.wschaos.testsupport.TestCatalogs;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The JSON Schema is generated from the loader's keys and the catalogues, so it lists everything they know. */
class ScenarioSchemaTest {
  private static final Catalog<Fault> FAULTS = TestCatalogs.faults();
  private static final Catalog<Expectation> EXPECTATIONS = TestCatalogs.expectations();
  private static final ObjectNode SCHEMA = ScenarioSchema.generate(FAULTS, EXPECTATIONS);

  @Test
  void itIsADraft202012SchemaOfAClosedObject() {
    assertEquals("https://json-schema.org/draft/2020-12/schema", SCHEMA.path("$schema").asText());
    assertEquals("object", SCHEMA.path("type").asText());
    assertFalse(SCHEMA.path("additionalProperties").asBoolean(true), "unknown top-level keys are flagged by editors too");
  }

  @Test
  void itListsEveryTopLevelKeyTheLoaderAccepts() {
    assertEquals(List.of("name", "description", "tags", "seed", "server", "client", "proxy", "duration", "tolerance", "messages", "faults", "expect"), names(SCHEMA.path("properties")));
    assertEquals(List.copyOf(ScenarioSchema.topLevelKeys()), names(SCHEMA.path("properties")));
  }

  @Test
  void itListsEveryFaultAndPresetOfTheCatalogue() {
    JsonNode entry = SCHEMA.path("$defs").path("faultEntry");
    for (String fault : FAULTS.names()) {
      assertTrue(entry.path("properties").has(fault), fault + " in faultEntry");
      assertTrue(SCHEMA.path("$defs").path("faults").has(fault), fault + " in $defs.faults");
    }
    for (String preset : Presets.names()) {
      assertTrue(entry.path("properties").has(preset), preset + " in faultEntry");
    }
    assertEquals(FAULTS.names().size() + Presets.names().size(), entry.path("oneOf").size(), "exactly one fault per entry");
    for (String trigger : FaultEntryParser.TRIGGER_KEYS) {
      assertTrue(entry.path("properties").has(trigger), trigger + " in faultEntry");
    }
  }

  @Test
  void itListsEveryExpectationOfTheCatalogue() {
    JsonNode defs = SCHEMA.path("$defs").path("expectations");
    assertEquals(new TreeSet<>(EXPECTATIONS.names()), new TreeSet<>(names(defs)));
    assertEquals(EXPECTATIONS.names().size() + 1, SCHEMA.path("$defs").path("expectEntry").path("oneOf").size(), "one object per expectation, and bare names");
  }

  @Test
  void parametersComeFromTheParameterRecords() {
    JsonNode close = SCHEMA.path("$defs").path("faults").path("close");
    List<String> components = new ArrayList<>();
    for (RecordComponent rc : CloseFault.Params.class.getRecordComponents()) {
      components.add(rc.getName());
    }
    assertEquals(components, names(close.path("properties")));
    assertEquals("integer", close.path("properties").path("code").path("type").asText());
    assertEquals(List.of("client", "server", "both"), texts(close.path("properties").path("to").path("enum")));
    JsonNode delay = SCHEMA.path("$defs").path("faults").path("delay").path("properties");
    assertEquals("#/$defs/duration", delay.path("by").path("$ref").asText());
    assertEquals(List.of("server", "client"), texts(delay.path("to").path("enum")));
    JsonNode within = SCHEMA.path("$defs").path("expectations").path("reconnect").path("properties").path("within");
    assertEquals("#/$defs/duration", within.path("$ref").asText());
  }

  @Test
  void everyReferenceResolves() {
    Set<String> refs = new TreeSet<>();
    collectRefs(SCHEMA, refs);
    assertFalse(refs.isEmpty());
    for (String ref : refs) {
      assertTrue(ref.startsWith("#/"), ref);
      assertFalse(SCHEMA.at(ref.substring(1)).isMissingNode(), ref + " resolves");
    }
  }

  private static void collectRefs(JsonNode n, Set<String> out) {
    if (n.has("$ref")) {
      out.add(n.get("$ref").asText());
    }
    n.elements().forEachRemaining(c -> collectRefs(c, out));
  }

  private static List<String> names(JsonNode object) {
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }
}
