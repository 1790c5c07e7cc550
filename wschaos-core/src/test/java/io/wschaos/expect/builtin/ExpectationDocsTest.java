package io.wschaos.expect.builtin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.expect.Expectation;
import io.wschaos.spec.Catalog;
import io.wschaos.expect.TimelineBuilder;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/expectations.md stays true: a section per expectation, its parameters, and examples that parse. */
class ExpectationDocsTest {
  private static final Path DOC = Path.of("docs", "expectations.md");
  private static final Pattern PARAM_ROW = Pattern.compile("^\\| `([a-z_]+)` \\|");

  private static Map<String, String> sections() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    String name = null;
    StringBuilder body = new StringBuilder();
    for (String line : Files.readAllLines(DOC, StandardCharsets.UTF_8)) {
      if (line.startsWith("## ")) {
        if (name != null) {
          out.put(name, body.toString());
        }
        name = line.substring(3).trim();
        body.setLength(0);
      } else {
        body.append(line).append('\n');
      }
    }
    if (name != null) {
      out.put(name, body.toString());
    }
    return out;
  }

  @Test
  void everyRegisteredExpectationHasASection() throws IOException {
    Map<String, String> sections = sections();
    List<String> missing = new ArrayList<>();
    for (String name : BuiltinExpectations.catalog().names()) {
      if (!sections.containsKey(name)) {
        missing.add(name);
      }
    }
    assertEquals(List.of(), missing, "expectations without a section in " + DOC);
  }

  @Test
  void eachSectionsParameterTableNamesExactlyTheParametersTheExpectationAccepts() throws IOException {
    Map<String, String> sections = sections();
    Catalog<Expectation> catalog = BuiltinExpectations.catalog();
    for (String name : catalog.names()) {
      TreeSet<String> documented = new TreeSet<>();
      for (String line : sections.get(name).split("\n")) {
        Matcher m = PARAM_ROW.matcher(line);
        if (m.find()) {
          documented.add(m.group(1));
        }
      }
      TreeSet<String> accepted = new TreeSet<>();
      for (RecordComponent rc : catalog.type(name).params().getRecordComponents()) {
        JsonProperty jp = rc.getAccessor().getAnnotation(JsonProperty.class); // propagated from the component
        accepted.add(jp != null ? jp.value() : rc.getName());
      }
      assertEquals(accepted, documented, "parameters of " + name + " in " + DOC);
    }
  }

  @Test
  void everyExampleParsesAndBelongsToItsSection() throws IOException {
    Pattern yaml = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL);
    int examples = 0;
    for (Map.Entry<String, String> s : sections().entrySet()) {
      Matcher m = yaml.matcher(s.getValue());
      while (m.find()) {
        JsonNode doc = TimelineBuilder.yaml(m.group(1));
        assertTrue(doc.has("expect"), "an example is an expect: list: " + m.group(1));
        for (JsonNode entry : doc.get("expect")) {
          String name = entry.fieldNames().next();
          assertEquals(s.getKey(), name, "an example in section " + s.getKey());
          BuiltinExpectations.catalog().create(name, entry.get(name), "docs." + name);
          examples++;
        }
      }
    }
    assertFalse(examples < BuiltinExpectations.catalog().names().size(), "every section has an example");
  }

  @Test
  void everyRegistrationHasASummary() {
    Catalog<Expectation> catalog = BuiltinExpectations.catalog();
    assertEquals(15, catalog.names().size(), catalog.names().toString());
    for (String name : catalog.names()) {
      assertFalse(catalog.type(name).summary().isBlank(), name);
    }
  }
}
