package io.wschaos.embed;

import io.wschaos.frame.Direction;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A condition on the timeline for {@link WsChaosProxy#await}: the {@code nth} event that matches.
 * {@code Events.open().nth(2)} is the client's second open; {@code Events.close().code(1001)} the
 * first close with 1001. Immutable; each method returns a changed copy.
 */
public final class Events {
  private final String describe;
  private final Predicate<Event> match;
  private final int nth;

  private Events(String describe, Predicate<Event> match, int nth) {
    this.describe = describe;
    this.match = match;
    this.nth = nth;
  }

  /** Events of this {@code kind} (docs/timeline.md: attempt, open, message, close, abort, fault, rejected…). */
  public static Events kind(String kind) {
    Objects.requireNonNull(kind, "kind");
    return new Events(kind, e -> e.kind().equals(kind), 1);
  }

  /** A handshake attempt. */
  public static Events attempt() {
    return kind("attempt");
  }

  /** A link that opened. */
  public static Events open() {
    return kind("open");
  }

  /** A close frame, on either leg. */
  public static Events close() {
    return kind("close");
  }

  /** A TCP connection that ended without a close frame. */
  public static Events abort() {
    return kind("abort");
  }

  /** A data message toward {@code to} ({@link Side#CLIENT} or {@link Side#SERVER}). */
  public static Events message(Side to) {
    if (to == Side.BOTH) {
      return kind("message");
    }
    Direction d = to == Side.CLIENT ? Direction.TO_CLIENT : Direction.TO_SERVER;
    return new Events("message to " + to.wire(), e -> e.body() instanceof EventBody.Message m && m.to() == d, 1);
  }

  /** What the fault with this id did (a {@code fault} event of it). */
  public static Events fault(String id) {
    return new Events("fault " + id, e -> e.body() instanceof EventBody.Fault f && id.equals(f.fault()), 1);
  }

  /** Any event {@code predicate} accepts. */
  public static Events matching(String describe, Predicate<Event> predicate) {
    return new Events(describe, predicate, 1);
  }

  /** Only those with this close code (a close event) or HTTP status (a rejected event). */
  public Events code(int code) {
    return and(describe + " " + code, e -> e.body() instanceof EventBody.Close c && c.code() != null && c.code() == code
        || e.body() instanceof EventBody.Rejected r && r.status() == code);
  }

  /** Only those of link {@code link}. */
  public Events link(int link) {
    return and(describe + " on link " + link, e -> e.link() == link);
  }

  /** The {@code n}th match (from 1) instead of the first. */
  public Events nth(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("nth counts from 1, got " + n);
    }
    return new Events(describe, match, n);
  }

  private Events and(String d, Predicate<Event> more) {
    return new Events(d, match.and(more), nth);
  }

  /** The event that satisfies the condition, or null. */
  Event find(List<Event> events) {
    int seen = 0;
    for (Event e : events) {
      if (match.test(e) && ++seen == nth) {
        return e;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return nth == 1 ? "a " + describe + " event" : "the " + ordinal(nth) + " " + describe + " event";
  }

  private static String ordinal(int n) {
    String suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : switch (n % 10) {
      case 1 -> "st";
      case 2 -> "nd";
      case 3 -> "rd";
      default -> "th";
    };
    return n + suffix;
  }
}
