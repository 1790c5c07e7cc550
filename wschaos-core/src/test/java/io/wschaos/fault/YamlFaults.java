package io.wschaos.fault;

import io.wschaos.spec.SpecException;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.wschaos.fault.builtin.BuiltinFaults;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Fault entries written as a scenario writes them, parsed with the builtin catalogue. */
final class YamlFaults {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final FaultEntryParser PARSER = new FaultEntryParser(BuiltinFaults.catalog());

  private YamlFaults() {}

  /** The specs of one entry, e.g. {@code "{id: cut, abort: {mode: fin}}"}; ids default to f1. */
  static List<FaultSpec> specs(String yaml) {
    try {
      return PARSER.parse(YAML.readTree(yaml), "faults[0]", "f1");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The one fault of an entry. */
  static Fault fault(String yaml) {
    List<FaultSpec> s = specs(yaml);
    if (s.size() != 1) {
      throw new AssertionError(yaml + " gave " + s.size() + " faults");
    }
    return s.get(0).fault();
  }

  /** The problems an invalid entry is refused with, one "path: message" per line. */
  static String problems(String yaml) {
    return assertThrows(SpecException.class, () -> specs(yaml), yaml + " must be refused").getMessage();
  }
}
