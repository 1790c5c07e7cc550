package io.wschaos.timeline;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * The one daemon thread per JVM that moves staged events of every timeline into memory (see
 * {@link Timeline}'s class comment), so that recorders on event loops never take a timeline's lock.
 *
 * <p>A recorder queues its timeline when the timeline is not queued yet, and wakes this thread only
 * when it sleeps. While events keep coming the thread drains, then parks {@value #LINGER_NANOS} ns
 * and looks again, up to {@value #LINGER_ROUNDS} times in a row with nothing to do before it
 * sleeps: under load, recorders never wake it (no system call on their path); when idle it costs
 * nothing.
 */
final class Drainer {
  static final long LINGER_NANOS = 2_000_000;
  static final int LINGER_ROUNDS = 10;

  private static final ConcurrentLinkedQueue<Timeline> QUEUE = new ConcurrentLinkedQueue<>();
  private static volatile boolean sleeping;
  private static final Thread THREAD = start();

  private Drainer() {}

  /** Queues {@code t} for a drain; wakes the thread only if it sleeps. */
  static void schedule(Timeline t) {
    QUEUE.offer(t);
    if (sleeping) {
      LockSupport.unpark(THREAD);
    }
  }

  private static Thread start() {
    Thread t = new Thread(Drainer::run, "wschaos-timeline-drain");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void run() {
    int idle = 0;
    while (true) {
      Timeline t = QUEUE.poll();
      if (t != null) {
        idle = 0;
        try {
          t.drainScheduled();
        } catch (RuntimeException | Error e) {
          org.slf4j.LoggerFactory.getLogger(Drainer.class).error("draining a timeline failed", e);
        }
        continue;
      }
      if (idle < LINGER_ROUNDS) {
        idle++;
        LockSupport.parkNanos(LINGER_NANOS);
        continue;
      }
      sleeping = true;
      if (QUEUE.isEmpty()) {
        LockSupport.park();
      }
      sleeping = false;
      idle = 0;
    }
  }
}
