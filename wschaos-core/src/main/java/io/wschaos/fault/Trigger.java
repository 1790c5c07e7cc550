package io.wschaos.fault;

import io.wschaos.spec.ParamException;
import io.wschaos.frame.Direction;
import io.wschaos.timeline.MessageMatcher;
import java.time.Duration;

/**
 * When a fault starts, how long it lasts and which links it touches (DESIGN.md, Triggers).
 *
 * @param at scenario time to start at; null unless the trigger is {@code at}
 * @param on the event to start on; null unless the trigger is {@code on}
 * @param after with {@code on}: start that long after the event
 * @param duration {@code for}: how long the fault lasts; null = lasting (see DESIGN.md "Exact semantics")
 * @param every with {@code at}: repeat with this period
 * @param link which links the fault touches
 * @param probability each candidate unit is affected with this chance; null = every one
 * @param anyClient count events across clients ({@code client: any}) instead of per client
 */
public record Trigger(
    Duration at,
    On on,
    Duration after,
    Duration duration,
    Duration every,
    LinkScope link,
    Double probability,
    boolean anyClient) {

  /** What an {@code on} trigger waits for. */
  public sealed interface On {}

  /** The client's Nth successful open; {@code n == null} for every open ({@code open: any}). */
  public record OpenN(Integer n) implements On {}

  /** Every instance has an open link. */
  public record AllOpen() implements On {}

  /** Handshake attempt N, before it is answered. */
  public record AttemptN(int n) implements On {}

  /** A message in direction {@code to}: the nth, or one that matches (or both). */
  public record MessageOn(Direction to, Integer nth, MessageMatcher match, boolean allLinks) implements On {}

  /** {@code link: current | all | N}. */
  public record LinkScope(Kind kind, int number) {
    public enum Kind {
      CURRENT,
      ALL,
      NUMBER
    }

    public static final LinkScope CURRENT = new LinkScope(Kind.CURRENT, 0);
    public static final LinkScope ALL = new LinkScope(Kind.ALL, 0);
  }

  public Trigger {
    ParamException.require(at == null || on == null, "at", "a fault starts either at a time or on an event, not both");
    ParamException.require(after == null || on != null, "after", "after goes with on (for at, write the later time)");
    ParamException.require(every == null || at != null, "every", "every goes with at");
    ParamException.require(every == null || (duration != null && duration.compareTo(every) < 0), "every", "every needs a for shorter than the period");
    ParamException.require(probability == null || (probability > 0 && probability <= 1), "probability", probability + " is not a probability in (0, 1]");
    ParamException.require(at == null || !at.isNegative(), "at", "at cannot be negative");
    ParamException.require(duration == null || !duration.isNegative() && !duration.isZero(), "for", "for must be longer than 0");
    if (link == null) {
      link = on == null ? LinkScope.ALL : LinkScope.CURRENT;
    }
  }

  /** Starts at once and lasts until removed: what a control-API fault without at/on gets. */
  public static Trigger immediate(Duration duration) {
    return new Trigger(null, null, null, duration, null, LinkScope.ALL, null, false);
  }

  /** The same trigger with {@code for} set to {@code d}. */
  public Trigger lasting(Duration d) {
    return new Trigger(at, on, after, d, every, link, probability, anyClient);
  }

  public boolean immediate() {
    return at == null && on == null;
  }
}
