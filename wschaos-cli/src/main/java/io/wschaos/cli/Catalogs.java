package io.wschaos.cli;

import io.wschaos.expect.Expectation;
import io.wschaos.spec.Catalog;
import io.wschaos.fault.Fault;
import io.wschaos.fault.builtin.BuiltinFaults;

/** The catalogues the commands load scenarios with: the wiring of fault and expectation names. */
final class Catalogs {
  /** Tests may set their own catalogue; null means the builtin one. */
  static Catalog<Expectation> expectationsOverride;

  private Catalogs() {}

  static Catalog<Fault> faults() {
    return BuiltinFaults.catalog();
  }

  static Catalog<Expectation> expectations() {
    if (expectationsOverride != null) {
      return expectationsOverride;
    }
    return io.wschaos.expect.builtin.BuiltinExpectations.catalog();
  }
}
