package io.wschaos.expect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.timeline.Event;
import io.wschaos.timeline.TimelineText;
import java.util.Arrays;
import java.util.List;

/** Assertions on a verdict that print the whole verdict, and the timeline it was judged on, when they fail. */
public final class VerdictAssert {
  private final Verdict v;
  private final List<Event> timeline;

  private VerdictAssert(Verdict v, List<Event> timeline) {
    this.v = v;
    this.timeline = timeline;
  }

  public static VerdictAssert assertThat(Verdict v) {
    return new VerdictAssert(v, List.of());
  }

  /** {@code v}, judged on {@code timeline}: a failure prints both. */
  public static VerdictAssert assertThat(Verdict v, List<Event> timeline) {
    return new VerdictAssert(v, timeline);
  }

  private String story() {
    return timeline.isEmpty() ? "" : "\njudged on (" + timeline.size() + " events):\n" + TimelineText.of(timeline);
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
    assertEquals(s, v.status(), () -> "status of " + v + story());
    return this;
  }

  public VerdictAssert isFinal() {
    assertTrue(v.isFinal(), () -> "should be final: " + v + story());
    return this;
  }

  public VerdictAssert isOpen() {
    assertTrue(!v.isFinal(), () -> "should not be final yet: " + v + story());
    return this;
  }

  /** The evidence is exactly these seqs, in this order. */
  public VerdictAssert evidence(long... seqs) {
    assertEquals(Arrays.stream(seqs).boxed().toList(), v.evidence(), () -> "evidence of " + v + story());
    return this;
  }

  /** The evidence holds these seqs (among others). */
  public VerdictAssert cites(long... seqs) {
    for (long s : seqs) {
      assertTrue(v.evidence().contains(s), () -> "evidence should cite seq " + s + ": " + v + story());
    }
    return this;
  }

  public VerdictAssert says(String... parts) {
    for (String p : parts) {
      assertTrue(v.sentence().contains(p), () -> "sentence should say '" + p + "': " + v.sentence() + story());
    }
    return this;
  }

  /** The sentence, exactly. */
  public VerdictAssert sentence(String exact) {
    assertEquals(exact, v.sentence(), this::story);
    return this;
  }

  public Verdict verdict() {
    return v;
  }
}
