package io.wschaos.testsupport;

import io.wschaos.expect.ExpectationCatalog;
import io.wschaos.expect.builtin.BuiltinExpectations;
import io.wschaos.fault.FaultCatalog;
import io.wschaos.fault.builtin.BuiltinFaults;

/** The catalogues scenario-loading tests use: the builtin ones, so fixtures pin the real messages. */
public final class TestCatalogs {
  private TestCatalogs() {}

  public static FaultCatalog faults() {
    return BuiltinFaults.catalog();
  }

  public static ExpectationCatalog expectations() {
    return BuiltinExpectations.catalog();
  }
}
