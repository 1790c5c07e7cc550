package io.wschaos.expect;

import io.wschaos.spec.Tolerance;
import io.wschaos.timeline.Event;
import java.util.List;

/**
 * What an expectation judges from: the timeline so far and the few scenario facts the timeline
 * cannot hold. Judging never asks the proxy anything.
 *
 * @param events the timeline so far, oldest first
 * @param nowMicros scenario time of this judgement
 * @param runOver true once the run ended (at {@code duration}, or early): undecided becomes final
 * @param instances how many client instances the runner started (1 for an external client)
 * @param durationMicros the scenario's hard stop
 * @param tolerance the scenario's default tolerance (an expectation may carry its own)
 * @param messages the scenario's message declarations
 */
public record Judging(
    List<Event> events,
    long nowMicros,
    boolean runOver,
    int instances,
    long durationMicros,
    Tolerance tolerance,
    Messages messages) {}
