package io.wschaos.testsupport;

import io.wschaos.expect.Expectation;
import io.wschaos.spec.Catalog;
import io.wschaos.expect.builtin.BuiltinExpectations;
import io.wschaos.fault.Fault;
import io.wschaos.fault.builtin.BuiltinFaults;

/** The catalogues scenario-loading tests use: the builtin ones, so fixtures pin the real messages. */
public final class TestCatalogs {
  private TestCatalogs() {}

  public static Catalog<Fault> faults() {
    return BuiltinFaults.catalog();
  }

  public static Catalog<Expectation> expectations() {
    return BuiltinExpectations.catalog();
  }
}
