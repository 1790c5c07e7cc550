package io.wschaos.expect;

/**
 * A claim about the client's behaviour, judged from the timeline alone. One class per expectation,
 * with a validated parameter record; registered by YAML name in {@link Catalog<Expectation>}.
 *
 * <p>Contract: {@link #judge} is a pure function of what {@link Judging} holds (the events so far
 * and whether the run is over); it names its anchor and the least evidence it needs, and answers
 * undecided (a fail that says what was missing) when the anchor never happened or evidence is
 * short. A verdict is final when no later event can change it; a fail may be final early.
 */
public interface Expectation {
  Verdict judge(Judging judging);
}
