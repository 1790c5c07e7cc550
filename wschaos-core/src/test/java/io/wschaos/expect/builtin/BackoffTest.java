package io.wschaos.expect.builtin;

import static io.wschaos.expect.TimelineBuilder.timeline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.wschaos.expect.TimelineBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Backoff on the client archetypes seen in real libraries. */
class BackoffTest {
  private static final String BACKOFF = "backoff: {attempts: 5}";

  /**
   * Client {@code c}'s link opens at 1 s; a server_down aborts it at 3 s and resets every attempt
   * on accept; the first attempt comes {@code first} s after the outage, each next one {@code
   * delays[k]} s after the previous failed; with {@code recover} one more attempt opens.
   */
  private static List<Long> outage(TimelineBuilder tl, int c, double first, boolean recover, double... delays) {
    List<Long> seqs = new ArrayList<>();
    tl.client(c).at(1).attempt().at(1.01).open();
    tl.at(3).abortByProxy("reset", "down");
    seqs.add(tl.seq());
    double t = 3 + first;
    tl.client(c).at(t).resetAttempt("down");
    seqs.add(tl.seq() - 1);
    seqs.add(tl.seq());
    for (int k = 0; k < delays.length; k++) {
      t += delays[k];
      if (recover && k == delays.length - 1) {
        tl.client(c).at(t).attempt();
        seqs.add(tl.seq());
        tl.open();
      } else {
        tl.client(c).at(t).resetAttempt("down");
        seqs.add(tl.seq() - 1);
        seqs.add(tl.seq());
      }
    }
    return seqs;
  }

  private static long[] arr(List<Long> l) {
    return l.stream().mapToLong(Long::longValue).toArray();
  }

  @Test
  void doublingAfterAnImmediateFirstRetryPassesAndNamesTheEnvelope() {
    TimelineBuilder tl = timeline();
    List<Long> seqs = outage(tl, 1, 0.0, true, 1, 2, 4, 8, 16);
    Expect.judge("backoff: {attempts: 5, first: {max: 500ms}}", tl.judging(40, true)).passes().isFinal().evidence(arr(seqs))
        .says("client 1's delays between 5 failed attempts (1, 2, 4, 8, 16 s) fit the envelope initial 1 s, factor 2, cap ≥ 15.143 s (jitter none, tolerance ±(0.1 s + 5 %))"
            + " and grew (growth score 6.9", "≥ 3 shows growth with jitter none from 3 delays on)");
  }

  @Test
  void aRandomBaseDelayPerProcessPassesForEveryClient() {
    double[] bases = {0.62, 0.91, 1.37};
    // the three clients' stories interleave in time: play them in time order
    record Step(double t, int client, String what) {}
    List<Step> steps = new ArrayList<>();
    for (int c = 1; c <= 3; c++) {
      double b = bases[c - 1];
      steps.add(new Step(1 + c * 0.01, c, "connect"));
      steps.add(new Step(3, c, "abort"));
      double t = 3.2;
      for (int k = 0; k <= 5; k++) {
        steps.add(new Step(t, c, k == 5 ? "connect" : "reset"));
        t += b * Math.pow(2, k);
      }
    }
    steps.sort((x, y) -> Double.compare(x.t(), y.t()));
    TimelineBuilder tl = timeline().instances(3);
    int[] linkOf = new int[4];
    for (Step s : steps) {
      tl.at(s.t()).client(s.client());
      switch (s.what()) {
        case "connect" -> {
          tl.attempt().open();
          linkOf[s.client()] = tl.currentLink();
        }
        case "abort" -> tl.link(linkOf[s.client()]).abortByProxy("reset", "down");
        default -> tl.resetAttempt("down");
      }
    }
    Expect.judge("backoff: {attempts: 5, initial: {min: 500ms, max: 1.5s}}", tl.judging(60, true)).passes()
        .says("all 3 clients backed off within the envelope; e.g. client 1's delays between 5 failed attempts (0.62, 1.24, 2.48, 4.96, 9.92 s)");
  }

  @Test
  void aFixedDelayIsAFlatSequenceAndFails() {
    TimelineBuilder tl = timeline();
    List<Long> seqs = outage(tl, 1, 1, true, 1, 1, 1, 1, 1);
    Expect.judge(BACKOFF, tl.running(9.5)).fails().isFinal().evidence(arr(seqs))
        .says("client 1's delays between failed attempts (1, 1, 1, 1, 1 s) fit no envelope with initial 0.05 s–10 s, factor 1.2–3 and a cap from"
            + " initial·factor² to 60 s (jitter none, tolerance ±(0.1 s + 5 %))", "is below E");
  }

  @Test
  void growingOnceAndLevellingOffFailsBecauseTheCapMustAllowTwoGrowths() {
    TimelineBuilder tl = timeline();
    outage(tl, 1, 0.5, true, 1, 2, 2, 2, 2);
    Expect.judge(BACKOFF, tl.judging(20, true)).fails().says("fit no envelope");

    TimelineBuilder capped = timeline();
    outage(capped, 1, 0.5, true, 1, 2, 4, 8, 8, 8);
    Expect.judge(BACKOFF, capped.judging(40, true)).passes().says("(1, 2, 4, 8, 8, 8 s) fit the envelope initial 1 s, factor 2, cap 7.524–8.526 s");
  }

  @Test
  void aDelayTableThatGivesUpAfterThreeTriesFailsOnceTheSilenceOutlastsEveryEnvelope() {
    TimelineBuilder tl = timeline();
    List<Long> seqs = outage(tl, 1, 0.5, false, 1, 2); // attempts at 3.5, 4.5, 6.5, then nothing
    Expect.judge(BACKOFF, tl.running(8)).undecided().isOpen().evidence(arr(seqs))
        .says("waiting: 1.5 s after failed attempt 3 of client 1 at 6.5 s; a fitting envelope allows the next up to");
    Expect.judge(BACKOFF, tl.running(20)).fails().isFinal().evidence(arr(seqs))
        .says("client 1 gave up after 3 failed attempts (expected at least 5): no attempt followed the failure at 6.5 s for 13.5 s,"
            + " longer than any fitting envelope allows (");
  }

  @Test
  void aClientWhoseProcessExitsMidOutageGaveUp() {
    TimelineBuilder tl = timeline();
    List<Long> seqs = outage(tl, 1, 0.5, false, 1);
    tl.at(5).exited(1);
    seqs.add(tl.seq());
    Expect.judge(BACKOFF, tl.running(5.1)).fails().evidence(arr(seqs))
        .sentence("client 1 gave up after 2 failed attempts (expected at least 5): its process exited with code 1 at 5 s");
  }

  @Test
  void plusMinusFiftyPercentRandomisationFitsAnEnvelopeOneAndAHalfTimesTheBaseWithJitterTwoThirds() {
    Random r = new Random(7);
    double[] d = new double[6];
    for (int k = 0; k < d.length; k++) {
      d[k] = Math.round(Math.pow(2, k) * (0.5 + r.nextDouble()) * 1000) / 1000.0;
    }
    TimelineBuilder tl = timeline();
    outage(tl, 1, 0.3, true, d);
    Expect.judge("backoff: {attempts: 5, jitter: 0.67}", tl.judging(90, true)).passes().says("jitter 0.67");
    Expect.judge(BACKOFF, tl.judging(90, true)).fails().says("fit no envelope");
  }

  /** Full jitter on 0.25 s ×2, cap 8 s: twelve delays, as drawn. */
  private static final double[] FULL_JITTER = {0.1, 0.3, 0.2, 1.1, 0.9, 2.8, 6.5, 3.1, 7.9, 5.2, 7.4, 2.2};

  @Test
  void fullJitterPassesWithJitterFullAndFailsWithout() {
    TimelineBuilder tl = timeline();
    outage(tl, 1, 0.1, true, FULL_JITTER);
    Expect.judge("backoff: {attempts: 5, jitter: full}", tl.judging(90, true)).passes().says("jitter full", "and grew (growth score 13.", "≥ 6 shows growth with jitter full)");
    Expect.judge(BACKOFF, tl.judging(90, true)).fails();
  }

  @Test
  void underFullJitterTheFirstDelaysAloneAreTooFewToTellAndTheSentenceSaysHowManyItTakes() {
    TimelineBuilder tl = timeline();
    outage(tl, 1, 0.1, true, 1.461, 1.709, 5.036, 0.422, 5.671, 1.305); // full jitter on 2 s ×2: its first delays happened to be large
    Expect.judge("backoff: {attempts: 5, jitter: full}", tl.judging(90, true)).undecided().isFinal()
        .says("fit the envelope", "but 6 delays are too few to tell growth from a flat delay with jitter full: it takes 12 (13 attempts in a row, the last of which may open)");
  }

  @Test
  void aConstantDelayFitsEveryJitteredEnvelopeButShowsNoGrowthAndFails() {
    // the case: under full jitter the envelope's lower bound is below zero, so 1 s or 250 ms every time "fits"
    for (double every : new double[] {1, 0.25}) {
      double[] d = new double[12];
      java.util.Arrays.fill(d, every);
      TimelineBuilder tl = timeline();
      outage(tl, 1, every, true, d);
      Expect.judge("backoff: {attempts: 4, jitter: full}", tl.judging(60, true)).fails().isFinal()
          .says("fit the envelope (jitter full, tolerance ±(0.1 s + 5 %)) only as a flat sequence does: they show no growth (growth score 0, ≤ 0.5 with jitter full");
    }
    double[] d = new double[8];
    java.util.Arrays.fill(d, 1);
    TimelineBuilder tl = timeline();
    outage(tl, 1, 1, true, d);
    Expect.judge("backoff: {attempts: 4, jitter: equal}", tl.judging(60, true)).fails().says("show no growth (growth score 0, ≤ 1 with jitter equal");
  }

  @Test
  void aHotLoopAt100MsWithTimingNoiseFailsOnItsFlatBandThoughNoiseInflatesItsScore() {
    // mutants/constant-delay.js: 100 ms every time, ±30 ms of scheduling noise, two delays held up far later
    java.util.SplittableRandom r = new java.util.SplittableRandom(9);
    double[] d = new double[40];
    for (int k = 0; k < d.length; k++) {
      d[k] = 0.07 + r.nextDouble() * 0.06;
    }
    d[17] = 0.41;
    d[29] = 0.35;
    d[0] = 0.071; // small first delays in a geometric pattern: what inflates the score
    d[1] = 0.072;
    TimelineBuilder tl = timeline();
    outage(tl, 1, 0.1, true, d);
    Expect.judge("backoff: {attempts: 4, jitter: full}", tl.judging(60, true)).fails().isFinal()
        .says("only as a flat sequence does: they show no growth: 38 delays all within ±0.105 s of 0.1", "(2 later still, as scheduling noise makes a delay)");
    // a tenth of the delays may lie above the band, not one more
    d[3] = 0.5;
    d[9] = 0.6;
    Expect.judge("backoff: {attempts: 4, jitter: full}", judged(d)).fails().says("36 delays all within", "(4 later still");
    d[11] = 0.7;
    assertFalse(Expect.judge("backoff: {attempts: 4, jitter: full}", judged(d)).verdict().sentence().contains("delays all within"));
    // and none below it: scheduling noise only makes a delay later, a correct policy has delays below any band its later ones share
    double[] second = new double[40];
    java.util.Arrays.fill(second, 1.0);
    second[0] = 0.5;
    second[1] = 1.3;
    assertFalse(Expect.judge("backoff: {attempts: 4, jitter: full}", judged(second)).verdict().sentence().contains("delays all within"));
  }

  private static io.wschaos.expect.Judging judged(double[] d) {
    TimelineBuilder tl = timeline();
    outage(tl, 1, 0.1, true, d);
    return tl.judging(90, true);
  }

  @Test
  void aFixedRandomRangeWhoseScoreIsNeitherFlatNorGrowingIsUndecidedNotPassed() {
    // uniform 0–2 s, as drawn: the first delays happen to be small, which is what a levelled-off backoff also shows
    TimelineBuilder tl = timeline();
    outage(tl, 1, 0.5, true, 0.3, 0.6, 1.9, 1.2, 0.8, 1.7, 1.5, 0.4, 1.1, 1.8, 0.9, 1.6);
    Expect.judge("backoff: {attempts: 4, jitter: full}", tl.judging(60, true)).undecided()
        .says("but neither clearly grew nor stayed flat (growth score ", "a fixed random range and a backoff that levelled off early both score this");
  }

  @Test
  void decorrelatedJitterPassesWhenItsWalkClimbsAndIsUndecidedNeverFailedWhenItWanders() {
    // AWS's sleep = min(cap, random(base, 3·sleep)), base 0.25 s, cap 5 s, as drawn
    TimelineBuilder climbs = timeline();
    outage(climbs, 1, 0.3, true, 0.3, 0.5, 1.2, 0.8, 2.3, 4.4, 1.7, 5, 3.6, 5, 2.5, 4.8);
    Expect.judge("backoff: {attempts: 4, jitter: full}", climbs.judging(60, true)).passes().says("and grew (growth score 7.");
    TimelineBuilder wanders = timeline();
    outage(wanders, 1, 0.3, true, 0.6, 1.5, 0.9, 2.4, 4.1, 1.3, 3.8, 5, 2.2, 4.6, 5, 3.3);
    Expect.judge("backoff: {attempts: 4, jitter: full}", wanders.judging(60, true)).undecided().says("neither clearly grew nor stayed flat (growth score 4.32, between 0.5 for flat and 6 for growing with jitter full)");
  }

  @Test
  void socketIoDefaultsLevelOffTooSoonToTellFromAFixedRangeAndAreUndecided() {
    // 1 s ×2 ±50 %, max 5 s: after the third delay it is a constant 5 s
    TimelineBuilder tl = timeline();
    outage(tl, 1, 0.5, true, 0.7, 2.6, 5, 5, 5, 5, 5, 5);
    Expect.judge("backoff: {attempts: 4, jitter: 0.67}", tl.judging(60, true)).undecided().says("fit the envelope", "neither clearly grew nor stayed flat", "jitter wide");
  }

  @Test
  void aFlatSequenceStillGoingIsNotFailedBeforeTheOutageEnds() {
    double[] d = new double[12];
    java.util.Arrays.fill(d, 1);
    TimelineBuilder tl = timeline();
    outage(tl, 1, 1, false, d);
    Expect.judge("backoff: {attempts: 4, jitter: full}", tl.running(16.5)).undecided().isOpen().says("so far client 1's delays", "waiting for the outage to end");
    Expect.judge("backoff: {attempts: 4, jitter: full}", tl.judging(16.5, true)).fails().isFinal();
  }

  @Test
  void aHotLoopHidingUnderFullJitterFailsOnTheMeanRatio() {
    TimelineBuilder tl = timeline();
    outage(tl, 1, 0.01, true, 0.01, 0.01, 0.01, 0.01, 0.01);
    Expect.judge("backoff: {attempts: 5, jitter: full, initial: {min: 500ms}}", tl.judging(20, true)).fails()
        .says("mean(d/E) = ", "is below 0.15 (a hot loop under the jitter's zero lower bound)");
  }

  @Test
  void theFirstDelayIsBoundedOnlyByFirstMax() {
    TimelineBuilder tl = timeline();
    List<Long> seqs = outage(tl, 1, 2.5, true, 1, 2, 4, 8, 16);
    Expect.judge(BACKOFF, tl.judging(40, true)).passes();
    Expect.judge("backoff: {attempts: 5, first: {max: 1s}}", tl.judging(40, true)).fails().evidence(seqs.get(0), seqs.get(1))
        .sentence("client 1's first attempt after abort (reset) by proxy (fault down) at 3 s (client 1, link 1) came 2.5 s later, more than first.max 1 s (±0.15 s)");
  }

  @Test
  void aShortOutageIsNotEnoughEvidence() {
    TimelineBuilder tl = timeline();
    List<Long> seqs = outage(tl, 1, 0.5, true, 1, 2);
    Expect.judge(BACKOFF, tl.judging(20, true)).undecided().isFinal().evidence(arr(seqs))
        .sentence("client 1 had at most 2 failed attempts in a row before it connected again; 5 are needed to judge its backoff");
  }

  @Test
  void aClientThatNeverFailedToConnectLeavesNothingToJudge() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open();
    Expect.judge(BACKOFF, tl.judging(20, true)).undecided().isFinal().evidence()
        .sentence("no client ever failed to connect, so there was no backoff to judge");
  }

  @Test
  void aClientThatCrashesAtStartIsAnEnvironmentError() {
    TimelineBuilder tl = timeline();
    tl.at(0.1).spawned().at(0.2).exited(1);
    Expect.judge(BACKOFF, tl.judging(20, true)).undecided().isFinal().evidence(tl.seq()).says("environment error");
  }

  // ---- the envelope, exactly ----

  private static BackoffEnvelope.Box fixed(double initialS, double factor, double capS, double jitter) {
    return new BackoffEnvelope.Box(initialS * 1e6, initialS * 1e6, factor, factor, capS * 1e6, jitter, io.wschaos.spec.Tolerance.DEFAULT);
  }

  private static long[] us(double... seconds) {
    long[] out = new long[seconds.length];
    for (int i = 0; i < seconds.length; i++) {
      out[i] = Math.round(seconds[i] * 1e6);
    }
    return out;
  }

  @Test
  void theEnvelopeIsMinOfCapAndInitialTimesFactorToTheKMinusOne() {
    assertEquals(1.0, BackoffEnvelope.envelope(1, 2, 5, 1));
    assertEquals(4.0, BackoffEnvelope.envelope(1, 2, 5, 3));
    assertEquals(5.0, BackoffEnvelope.envelope(1, 2, 5, 4));
  }

  @Test
  void eachDelayMayExceedItsEnvelopeValueByTheToleranceAndNoMore() {
    // E_1 = 1 s, tol = 0.1 s + 5 % of 1 s = 0.15 s
    assertEquals(true, BackoffEnvelope.fit(us(1.15), fixed(1, 2, 60, 0)).fits());
    assertEquals(false, BackoffEnvelope.fit(us(1.151), fixed(1, 2, 60, 0)).fits());
    // without jitter the lower bound is E_1 − tol = 0.85 s
    assertEquals(true, BackoffEnvelope.fit(us(0.85), fixed(1, 2, 60, 0)).fits());
    assertEquals(false, BackoffEnvelope.fit(us(0.849), fixed(1, 2, 60, 0)).fits());
    // with jitter j the lower bound is (1 − j)·E_k − tol: 0.5·2 − 0.2 = 0.8 s for E_2 = 2 s
    assertEquals(true, BackoffEnvelope.fit(us(1, 0.8), fixed(1, 2, 60, 0.5)).fits());
    assertEquals(false, BackoffEnvelope.fit(us(1, 0.799), fixed(1, 2, 60, 0.5)).fits());
  }

  @Test
  void theCapIsAtLeastInitialTimesFactorSquaredAndTheSmallestThatFitsIsChosen() {
    // 1, 2, 4, 8, 8: every E_k ≥ (d_k − 0.1 s)/1.05, so c ≥ 7.9/1.05 = 7.524 s (above I·f² = 4 s)
    assertEquals(7_523_810, Math.round(BackoffEnvelope.smallestCap(us(1, 2, 4, 8, 8), fixed(1, 2, 60, 0), 1e6, 2)));
    // a cap below I·f² is never allowed: 1, 2, 2, 2 cannot level off at 2 s
    assertEquals(Double.NaN, BackoffEnvelope.smallestCap(us(1, 2, 2, 2), fixed(1, 2, 60, 0), 1e6, 2));
    // and cap.max bounds it: 1, 2, 4, 8 with cap.max 5 s cannot reach E_4 ≥ 7.52 s
    assertEquals(false, BackoffEnvelope.fit(us(1, 2, 4, 8), fixed(1, 2, 5, 0)).fits());
  }

  @Test
  void withJitterTheMeanRatioMustReachFifteenHundredths() {
    // mean(0.1/1, 0.1/2, 0.1/4) = 0.058 < 0.15; mean(0.3/1, 0.3/2, 0.3/4) = 0.175 ≥ 0.15
    assertEquals(false, BackoffEnvelope.fit(us(0.1, 0.1, 0.1), fixed(1, 2, 60, 1)).fits());
    assertEquals(true, BackoffEnvelope.fit(us(0.3, 0.3, 0.3), fixed(1, 2, 60, 1)).fits());
    assertEquals(0.175, BackoffEnvelope.ratio(us(0.3, 0.3, 0.3), 1e6, 2, 4e6), 1e-9);
  }
}
