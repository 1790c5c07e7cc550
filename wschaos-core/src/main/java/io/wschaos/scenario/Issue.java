package io.wschaos.scenario;

import io.wschaos.spec.SpecProblem;

/**
 * A problem found while reading a scenario tree, by key path, before the loader gives it a file,
 * line and column. {@code atKey}: the problem is about the key itself (unknown, duplicate), so it
 * is located at the key rather than at its value. {@code at}: an explicit location (YAML syntax
 * errors, duplicate keys), or null to locate by path.
 */
record Issue(String path, String message, boolean atKey, LocatedYaml.Mark at) {
  static Issue at(String path, String message) {
    return new Issue(path, message, false, null);
  }

  static Issue atKey(String path, String message) {
    return new Issue(path, message, true, null);
  }

  /**
   * A problem from the fault or expectation catalogues, which only know key paths. Problems about
   * a name (unknown key, fault, expectation, trigger, operator) point at that name.
   */
  static Issue of(SpecProblem p) {
    return new Issue(p.path(), p.message(), p.message().startsWith("unknown ") || p.message().startsWith("duplicate "), null);
  }
}
