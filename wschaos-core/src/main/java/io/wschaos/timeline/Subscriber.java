package io.wschaos.timeline;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live subscriber: a bounded queue that the recorder offers to without ever waiting, drained
 * by the subscriber's own daemon thread. When the queue is full the event is counted as missed;
 * the subscriber later gets one {@link EventBody.Gap} in its place, in stream order.
 */
final class Subscriber {
  private static final Logger log = LoggerFactory.getLogger(Subscriber.class);
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final int RUNNING = 0;
  private static final int DRAINING = 1;
  private static final int CANCELLED = 2;
  private static final long PAUSE_MILLIS = 2;

  private final Timeline timeline;
  private final Consumer<Event> consumer;
  private final ArrayBlockingQueue<Event> queue;
  private final Thread thread;
  private volatile int state = RUNNING;

  // Guarded by the timeline's lock; volatile so the subscriber thread can peek without it.
  private volatile long missed;
  private long lastMissed;

  Subscriber(Timeline timeline, Consumer<Event> consumer, int capacity) {
    this.timeline = timeline;
    this.consumer = consumer;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.thread = new Thread(this::run, "wschaos-timeline-subscriber-" + THREADS.incrementAndGet());
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** Under the timeline's lock. Never waits. */
  void offer(Event e) {
    if (missed > 0) {
      if (queue.remainingCapacity() < 2) {
        missed++;
        lastMissed = e.seq();
        return;
      }
      queue.offer(timeline.gap(missed, lastMissed));
      missed = 0;
    }
    if (!queue.offer(e)) {
      missed = 1;
      lastMissed = e.seq();
    }
  }

  /** Under the timeline's lock: the pending gap, if the queue has drained and one is due. */
  Event takeGap() {
    if (missed == 0 || !queue.isEmpty()) {
      return null;
    }
    Event gap = timeline.gap(missed, lastMissed);
    missed = 0;
    return gap;
  }

  boolean hasPendingGap() {
    return missed > 0;
  }

  /** Delivers what is queued, then ends ({@code close}); or ends now, discarding it ({@code unsubscribe}). */
  void stop(boolean drain) {
    state = drain ? DRAINING : CANCELLED;
    if (!drain) {
      queue.clear();
    }
  }

  private void run() {
    boolean busy = false;
    while (state != CANCELLED) {
      Event e = queue.poll();
      if (e == null && hasPendingGap()) {
        e = timeline.takeGap(this);
      }
      if (e == null) {
        if (state == DRAINING) {
          if (queue.isEmpty() && !hasPendingGap()) {
            return;
          }
          continue;
        }
        if (busy) {
          // Let events gather instead of being woken by the recorder for each one.
          busy = false;
          sleep();
          continue;
        }
        try {
          e = queue.poll(100, TimeUnit.MILLISECONDS);
        } catch (InterruptedException x) {
          return;
        }
        if (e == null) {
          continue;
        }
      }
      busy = true;
      if (state == CANCELLED) {
        return;
      }
      try {
        consumer.accept(e);
      } catch (RuntimeException x) {
        log.warn("timeline subscriber {} failed on event {}", thread.getName(), e.seq(), x);
      }
    }
  }

  private static void sleep() {
    try {
      Thread.sleep(PAUSE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
