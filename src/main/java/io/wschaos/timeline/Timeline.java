package io.wschaos.timeline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The append-only event stream of one scenario or proxy session. Any thread may record; one lock
 * orders the events, so {@code seq} and {@code t} never go backwards.
 */
public final class Timeline implements AutoCloseable {
  private final Level level;
  private final long originNanos = System.nanoTime();
  private final List<Event> events = new ArrayList<>();
  private final List<Consumer<Event>> subscribers = new CopyOnWriteArrayList<>();
  private long seq;
  private volatile Phase phase = Phase.RUN;

  public Timeline(Level level) {
    this.level = level;
  }

  public Level level() {
    return level;
  }

  /** Microseconds since this timeline's origin. */
  public long now() {
    return (System.nanoTime() - originNanos) / 1_000;
  }

  public void phase(Phase phase) {
    this.phase = phase;
  }

  /** Records {@code body} now and returns the event. */
  public Event record(int link, int client, EventBody body) {
    Event e;
    synchronized (this) {
      e = new Event(++seq, now(), link, client, phase, body);
      events.add(e);
    }
    for (Consumer<Event> s : subscribers) {
      s.accept(e);
    }
    return e;
  }

  /** Events with {@code seq} greater than {@code since}, oldest first. */
  public synchronized List<Event> since(long since) {
    int from = (int) Math.min(Math.max(since, 0), events.size());
    return List.copyOf(events.subList(from, events.size()));
  }

  public List<Event> events() {
    return since(0);
  }

  public Runnable subscribe(Consumer<Event> subscriber) {
    subscribers.add(subscriber);
    return () -> subscribers.remove(subscriber);
  }

  @Override
  public void close() {}
}
