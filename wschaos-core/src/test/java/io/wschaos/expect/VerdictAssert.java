package io.wschaos.expect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

/** Assertions on a verdict that print the whole verdict when they fail. */
public final class VerdictAssert {
  private final Verdict v;

  private VerdictAssert(Verdict v) {
    this.v = v;
  }

  public static VerdictAssert assertThat(Verdict v) {
    return new VerdictAssert(v);
  }

  public VerdictAssert passes() {
    return is(Verdict.Status.PASS);
  }

  public VerdictAssert fails() {
    return is(Verdict.Status.FAIL);
  }

  public VerdictAssert undecided() {
    return is(Verdict.Status.UNDECIDED);
  }

  public VerdictAssert is(Verdict.Status s) {
    assertEquals(s, v.status(), () -> "status of " + v);
    return this;
  }

  public VerdictAssert isFinal() {
    assertTrue(v.isFinal(), () -> "should be final: " + v);
    return this;
  }

  public VerdictAssert isOpen() {
    assertTrue(!v.isFinal(), () -> "should not be final yet: " + v);
    return this;
  }

  /** The evidence is exactly these seqs, in this order. */
  public VerdictAssert evidence(long... seqs) {
    assertEquals(Arrays.stream(seqs).boxed().toList(), v.evidence(), () -> "evidence of " + v);
    return this;
  }

  /** The evidence holds these seqs (among others). */
  public VerdictAssert cites(long... seqs) {
    for (long s : seqs) {
      assertTrue(v.evidence().contains(s), () -> "evidence should cite seq " + s + ": " + v);
    }
    return this;
  }

  public VerdictAssert says(String... parts) {
    for (String p : parts) {
      assertTrue(v.sentence().contains(p), () -> "sentence should say '" + p + "': " + v.sentence());
    }
    return this;
  }

  /** The sentence, exactly. */
  public VerdictAssert sentence(String exact) {
    assertEquals(exact, v.sentence());
    return this;
  }

  public Verdict verdict() {
    return v;
  }
}
