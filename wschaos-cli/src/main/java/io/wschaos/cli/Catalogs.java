package io.wschaos.cli;

import io.wschaos.expect.ExpectationCatalog;
import io.wschaos.fault.FaultCatalog;
import io.wschaos.fault.builtin.BuiltinFaults;

/** The catalogues the commands load scenarios with: the wiring of fault and expectation names. */
final class Catalogs {
  /** Tests may set their own catalogue; null means the builtin one. */
  static ExpectationCatalog expectationsOverride;

  private Catalogs() {}

  static FaultCatalog faults() {
    return BuiltinFaults.catalog();
  }

  static ExpectationCatalog expectations() {
    if (expectationsOverride != null) {
      return expectationsOverride;
    }
    return io.wschaos.expect.builtin.BuiltinExpectations.catalog();
  }
}
