package io.wschaos.embed;

import io.wschaos.expect.Verdict;
import java.util.ArrayList;
import java.util.List;

/**
 * AssertJ-style assertions on a proxy: {@code assertThat(proxy).satisfies(reconnect().after(close(1001)).within(ofSeconds(3)))}.
 * A failure is an {@link AssertionError} whose message is the expectation, the verdict (status,
 * sentence, evidence) and the slice of the timeline it rests on.
 */
public final class WsChaosAssertions {
  private WsChaosAssertions() {}

  public static ProxyAssert assertThat(WsChaosProxy proxy) {
    return new ProxyAssert(proxy);
  }

  /** Assertions on one proxy. */
  public static final class ProxyAssert {
    private final WsChaosProxy proxy;

    ProxyAssert(WsChaosProxy proxy) {
      this.proxy = proxy;
    }

    /** Every expectation passes (each verified as {@link WsChaosProxy#verify(Expect)} does); all are judged, every failure reported. */
    public ProxyAssert satisfies(Expect... expectations) {
      List<String> failures = new ArrayList<>();
      for (Expect x : expectations) {
        Verdict v = proxy.verify(x);
        if (!v.passed()) {
          failures.add(proxy.explain(x, v));
        }
      }
      if (!failures.isEmpty()) {
        throw new AssertionError(String.join("\n", failures));
      }
      return this;
    }

    /**
     * The expectation does not pass (it fails or stays undecided): for tests that show a broken client
     * is caught. The message of a wrong pass shows the verdict and the timeline.
     */
    public ProxyAssert doesNotSatisfy(Expect expectation) {
      Verdict v = proxy.verify(expectation);
      if (v.passed()) {
        throw new AssertionError("expected it not to pass, but it did.\n" + proxy.explain(expectation, v));
      }
      return this;
    }

    /** The expectation's verdict has this status (pass, fail or undecided). */
    public ProxyAssert hasVerdict(Expect expectation, Verdict.Status status) {
      Verdict v = proxy.verify(expectation);
      if (v.status() != status) {
        throw new AssertionError("expected verdict " + status.wire() + ", got " + v.status().wire() + ".\n" + proxy.explain(expectation, v));
      }
      return this;
    }
  }
}
