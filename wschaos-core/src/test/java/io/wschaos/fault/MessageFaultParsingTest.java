package io.wschaos.fault;

import io.wschaos.spec.Problem;
import io.wschaos.spec.SpecException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.wschaos.fault.builtin.BuiltinFaults;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The message faults read from YAML the way a scenario or the control API writes them. */
class MessageFaultParsingTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final FaultEntryParser PARSER = new FaultEntryParser(BuiltinFaults.catalog());

  private static List<FaultSpec> parse(String yaml) throws Exception {
    return PARSER.parse(YAML.readTree(yaml), "fault", "f1");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "duplicate: {to: client}",
      "duplicate: {to: server, count: 3, gap: 50ms}",
      "reorder: {to: client, window: 5, order: reversed, max_hold: 250ms}",
      "corrupt: {to: client, mode: malformed_json}",
      "corrupt: {to: server, mode: RANDOM_BYTES, count: 2}",
      "inject: {to: client, text: hello}",
      "inject: {to: client, json: {type: data, seq: 1}}",
      "inject: {to: server, binary: AAEC/w==}",
      "fragment: {to: client, frames: 3}",
      "throttle: {to: client, bytes_per_second: 20000}",
      "stall: {to: server}",
      "{for: 2s, stall: {to: client, max_bytes: 65536}}",
      "{on: {open: 1}, probability: 0.2, duplicate: {to: client}}"})
  void validEntriesParse(String yaml) throws Exception {
    List<FaultSpec> specs = parse(yaml);
    assertEquals(1, specs.size());
    assertTrue(BuiltinFaults.catalog().has(specs.get(0).name()), specs.get(0).name());
  }

  @ParameterizedTest(name = "{0} → {1}")
  @CsvSource(delimiter = '|', textBlock = """
      duplicate: {to: client, count: 0}                       | fault.duplicate.count            | extra copies
      duplicate: {to: client, gap: 5}                         | fault.duplicate.gap              | duration
      duplicate: {count: 2}                                   | fault.duplicate.to               | server or client
      reorder: {to: client, window: 1}                        | fault.reorder.window             | N ≥ 2
      reorder: {to: client, order: sideways}                  | fault.reorder.order              | shuffled, reversed
      reorder: {to: client, max_hold: soon}                   | fault.reorder.max_hold           | duration
      reorder: {to: client, windw: 4}                         | fault.reorder.windw              | did you mean
      corrupt: {to: client, mode: scramble}                   | fault.corrupt.mode               | malformed_json, truncate, invalid_utf8, random_bytes
      corrupt: {to: client}                                   | fault.corrupt.mode               | malformed_json
      corrupt: {to: client, mode: truncate, count: -1}        | fault.corrupt.count              | ≥ 1
      inject: {to: client}                                    | fault.inject                     | one of text, json or binary
      inject: {to: client, text: a, json: {a: 1}}             | fault.inject.json                | not text and json
      inject: {to: client, binary: '*not*'}                   | fault.inject.binary              | base64
      fragment: {to: client, frames: 1}                       | fault.fragment.frames            | 2 to 10000
      fragment: {to: client, frames: two}                     | fault.fragment.frames            | whole number
      throttle: {to: client, bytes_per_second: 0}             | fault.throttle.bytes_per_second  | ≥ 1
      throttle: {to: client}                                  | fault.throttle.bytes_per_second  | needs bytes_per_second
      stall: {to: client, max_bytes: 0}                       | fault.stall.max_bytes            | 1 to 8388608
      stall: {to: both}                                       | fault.stall.to                   | server or client
      """)
  void aBadValueIsAProblemThatNamesItsKey(String yaml, String path, String says) {
    SpecException e = assertThrows(SpecException.class, () -> parse(yaml));
    assertEquals(1, e.problems().size(), e.getMessage());
    Problem p = e.problems().get(0);
    assertEquals(path, p.path(), p.toString());
    assertTrue(p.message().contains(says), "'" + p.message() + "' should say what is allowed (" + says + ")");
  }

  @Test
  void theMessageFaultsAreInTheCatalogue() {
    for (String name : List.of("duplicate", "reorder", "corrupt", "inject", "fragment", "throttle", "stall")) {
      assertTrue(BuiltinFaults.catalog().has(name), name);
    }
  }
}
