package io.wschaos.cli;

import io.wschaos.expect.Expectation;
import io.wschaos.expect.builtin.BuiltinExpectations;
import io.wschaos.fault.Fault;
import io.wschaos.fault.builtin.BuiltinFaults;
import io.wschaos.spec.Catalog;

/**
 * What the commands are built with: the fault and expectation catalogues and how scenario files
 * are read. {@link Main#run(String...)} uses the builtin ones; a test builds its own and passes it
 * to {@link Main#run(Wiring, java.io.PrintWriter, java.io.PrintWriter, String...)} (no static seam).
 */
record Wiring(Catalog<Fault> faults, Catalog<Expectation> expectations, ScenarioLoading loader) {
  static Wiring builtin() {
    Catalog<Fault> faults = BuiltinFaults.catalog();
    Catalog<Expectation> expectations = BuiltinExpectations.catalog();
    return new Wiring(faults, expectations, ScenarioLoading.yaml(faults, expectations));
  }

  /** These expectations, and the YAML loader with them. */
  Wiring withExpectations(Catalog<Expectation> other) {
    return new Wiring(faults, other, ScenarioLoading.yaml(faults, other));
  }

  Wiring withLoader(ScenarioLoading other) {
    return new Wiring(faults, expectations, other);
  }
}
