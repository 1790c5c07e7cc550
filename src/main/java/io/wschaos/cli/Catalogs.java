package io.wschaos.cli;

import io.wschaos.expect.ExpectationCatalog;
import io.wschaos.fault.FaultCatalog;
import io.wschaos.fault.builtin.BuiltinFaults;

/** The catalogues the commands load scenarios with: the wiring of fault and expectation names. */
final class Catalogs {
  /** Tests may set this until the builtin expectations land; null means the builtin catalogue. */
  static ExpectationCatalog expectationsOverride;

  private Catalogs() {}

  static FaultCatalog faults() {
    return BuiltinFaults.catalog();
  }

  static ExpectationCatalog expectations() {
    if (expectationsOverride != null) {
      return expectationsOverride;
    }
    // TODO(integration): return BuiltinExpectations.catalog() once the expectations land.
    return new ExpectationCatalog();
  }
}
