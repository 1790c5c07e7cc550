package io.wschaos.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.wschaos.fault.builtin.BuiltinFaults;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/faults.md stays true: a section per fault and preset, and every example parses. */
class FaultDocsTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static String doc() throws Exception {
    return Files.readString(Path.of("docs/faults.md"));
  }

  @Test
  void everyFaultHasASectionAndEveryPresetARow() throws Exception {
    String doc = doc();
    for (String name : BuiltinFaults.catalog().names()) {
      assertTrue(doc.contains("\n### " + name + "\n"), "docs/faults.md has no section for " + name);
    }
    for (String preset : Presets.names()) {
      assertTrue(doc.contains("| `" + preset + "` |"), "docs/faults.md has no row for preset " + preset);
    }
  }

  @Test
  void everyExampleParses() throws Exception {
    FaultEntryParser parser = new FaultEntryParser(BuiltinFaults.catalog());
    Matcher m = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(doc());
    List<String> parsed = new ArrayList<>();
    while (m.find()) {
      JsonNode list = YAML.readTree(m.group(1));
      for (JsonNode entry : list) {
        parser.parse(entry, "docs", "f" + (parsed.size() + 1)).forEach(s -> parsed.add(s.name()));
      }
    }
    assertTrue(parsed.size() >= BuiltinFaults.catalog().names().size(), "examples parsed: " + parsed);
    assertEquals(
        new java.util.TreeSet<>(BuiltinFaults.catalog().names()),
        new java.util.TreeSet<>(parsed),
        "every fault appears in at least one example");
  }
}
