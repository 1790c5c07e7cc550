package io.wschaos.fault;

import java.util.PriorityQueue;

/** A scheduler on virtual time for unit tests: nothing runs until the test advances the clock. */
public final class VirtualClock implements Scheduler {
  private record Task(long at, long order, Runnable run, boolean[] cancelled) {}

  private final PriorityQueue<Task> tasks =
      new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
  private long now;
  private long order;

  @Override
  public long nowMicros() {
    return now;
  }

  @Override
  public Cancellable schedule(long delayMicros, Runnable task) {
    boolean[] cancelled = new boolean[1];
    tasks.add(new Task(now + Math.max(0, delayMicros), order++, task, cancelled));
    return () -> cancelled[0] = true;
  }

  /** Runs every task due within {@code micros}, in time order, and moves the clock there. */
  public void advance(long micros) {
    long until = now + micros;
    Task t;
    while ((t = tasks.peek()) != null && t.at <= until) {
      tasks.poll();
      now = t.at;
      if (!t.cancelled[0]) {
        t.run.run();
      }
    }
    now = until;
  }

  public void advanceMillis(long ms) {
    advance(ms * 1000);
  }

  /** Tasks still waiting (cancelled ones included until their time). */
  public int pending() {
    return (int) tasks.stream().filter(t -> !t.cancelled[0]).count();
  }
}
