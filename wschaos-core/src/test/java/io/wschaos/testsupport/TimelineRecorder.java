package io.wschaos.testsupport;

import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Timeline;
import io.wschaos.timeline.TimelineText;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Takes events off a live timeline in order, as OkHttp's {@code EventRecorder} takes call events:
 * the socket tests wait for what the proxy recorded instead of sleeping, and every failure prints
 * the whole timeline, with a mark where the recorder stood.
 *
 * <p>The recorder watches some kinds of event ({@code Fault}, {@code Close}…) and keeps a cursor.
 * {@link #take} waits for the next watched event and requires it to be the one asked for; {@link
 * #skipTo} passes over other watched events on the way. {@link #assertExhausted} requires that no
 * watched event is left after the cursor.
 */
public final class TimelineRecorder {
  private static final long POLL_MILLIS = 5;

  private final Timeline timeline;
  private final Set<Class<? extends EventBody>> watched;
  private int next; // index in timeline.events() of the first event not yet looked at

  private TimelineRecorder(Timeline timeline, Set<Class<? extends EventBody>> watched) {
    this.timeline = timeline;
    this.watched = watched;
  }

  /** A recorder of {@code kinds} on {@code timeline}, from its first event. */
  @SafeVarargs
  public static TimelineRecorder watching(Timeline timeline, Class<? extends EventBody>... kinds) {
    if (kinds.length == 0) {
      throw new IllegalArgumentException("watch at least one kind of event");
    }
    return new TimelineRecorder(timeline, Set.of(kinds));
  }

  /** The next watched event, which must be a {@code kind}; waits up to {@code within} for it. */
  public <T extends EventBody> T take(Class<T> kind, Duration within) {
    return take(kind, x -> true, "", within);
  }

  /**
   * The next watched event, which must be a {@code kind} that {@code matches} ({@code what} says
   * what it should be, for the failure); waits up to {@code within} for it.
   */
  public <T extends EventBody> T take(Class<T> kind, Predicate<? super T> matches, String what, Duration within) {
    return kind.cast(takeEvent(kind, matches, what, within, true).body());
  }

  /** The next fault event of fault {@code id} with {@code action} ({@code started}, {@code dropped}…). */
  public EventBody.Fault takeFault(String id, String action, Duration within) {
    return take(EventBody.Fault.class, f -> f.fault().equals(id) && f.action().equals(action), id + " " + action, within);
  }

  /** Like {@link #take}, passing over watched events of other kinds, or that do not match, on the way. */
  public <T extends EventBody> Event skipTo(Class<T> kind, Predicate<? super T> matches, String what, Duration within) {
    return takeEvent(kind, matches, what, within, false);
  }

  /** Waits until fault {@code id} has started on a link, passing over other watched events. */
  public void awaitStarted(String id, Duration within) {
    skipTo(EventBody.Fault.class, f -> f.fault().equals(id) && f.action().equals("started") && f.detail() == null,
        id + " started on a link", within);
  }

  /** The event {@link #take} last returned, with its time and seq. */
  public Event last() {
    if (next == 0) {
      throw failure("nothing taken yet");
    }
    return timeline.events().get(next - 1);
  }

  /** No watched event after the last one taken. */
  public void assertExhausted() {
    List<Event> all = timeline.events();
    for (int i = next; i < all.size(); i++) {
      if (isWatched(all.get(i))) {
        throw failure("expected no more " + names() + " events, found #" + all.get(i).seq() + " " + all.get(i).kind(), all, i);
      }
    }
  }

  /** A failure that prints the whole timeline; for assertions of the test's own. */
  public AssertionError failure(String message) {
    return failure(message, timeline.events(), next);
  }

  private <T extends EventBody> Event takeEvent(Class<T> kind, Predicate<? super T> matches, String what, Duration within,
      boolean strict) {
    if (!watched.contains(kind)) {
      throw new IllegalArgumentException(kind.getSimpleName() + " is not among the watched kinds " + names());
    }
    long deadline = System.nanoTime() + within.toNanos();
    String wanted = kind.getSimpleName() + (what.isEmpty() ? "" : " (" + what + ")");
    while (true) {
      List<Event> all = timeline.events();
      for (int i = next; i < all.size(); i++) {
        Event e = all.get(i);
        if (!isWatched(e)) {
          continue;
        }
        if (kind.isInstance(e.body()) && matches.test(kind.cast(e.body()))) {
          next = i + 1;
          return e;
        }
        if (strict) {
          throw failure("expected " + wanted + " next, found #" + e.seq() + " " + e.kind(), all, i);
        }
      }
      if (System.nanoTime() > deadline) {
        throw failure("no " + wanted + " within " + within.toMillis() + " ms", all, all.size());
      }
      sleep();
    }
  }

  private boolean isWatched(Event e) {
    for (Class<? extends EventBody> k : watched) {
      if (k.isInstance(e.body())) {
        return true;
      }
    }
    return false;
  }

  private String names() {
    List<String> n = new ArrayList<>();
    watched.forEach(k -> n.add(k.getSimpleName()));
    n.sort(null);
    return String.join("/", n);
  }

  /** {@code message}, then every event, {@code >} marking the first one not taken (or the offender). */
  private AssertionError failure(String message, List<Event> all, int at) {
    StringBuilder b = new StringBuilder(message).append("\ntimeline (").append(all.size()).append(" events; watching ")
        .append(names()).append("):\n");
    String[] lines = TimelineText.of(all).split("\n", -1);
    for (int i = 0; i < all.size(); i++) {
      b.append(i == at ? "> " : "  ").append(lines[i]).append('\n');
    }
    if (at >= all.size()) {
      b.append("> (end)\n");
    }
    return new AssertionError(b.toString());
  }

  private static void sleep() {
    try {
      Thread.sleep(POLL_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for the timeline", e);
    }
  }
}
