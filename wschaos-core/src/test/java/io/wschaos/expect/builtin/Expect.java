package io.wschaos.expect.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.expect.Expectation;
import io.wschaos.expect.Judging;
import io.wschaos.expect.TimelineBuilder;
import io.wschaos.expect.Verdict;
import io.wschaos.expect.VerdictAssert;

/** Expectations from YAML entries, as a scenario's expect: list writes them, judged on a synthetic timeline. */
final class Expect {
  private Expect() {}

  /** One expect: entry, e.g. "reconnect: {after: {close: 1001}, within: 3s}". */
  static Expectation of(String entry) {
    JsonNode n = TimelineBuilder.yaml(entry);
    String name = n.fieldNames().next();
    return BuiltinExpectations.catalog().create(name, n.get(name), "expect[0]." + name);
  }

  static VerdictAssert judge(String entry, Judging judging) {
    Verdict v = of(entry).judge(judging);
    return VerdictAssert.assertThat(v, judging.events());
  }
}
