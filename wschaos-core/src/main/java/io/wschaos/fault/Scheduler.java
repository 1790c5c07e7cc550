package io.wschaos.fault;

/**
 * Time for faults: the link's event loop in the proxy, a virtual clock in unit tests. Tasks run on
 * the same thread as the units, one at a time.
 */
public interface Scheduler {
  /** Microseconds on the scenario clock (the timeline's). */
  long nowMicros();

  /** Runs {@code task} {@code delayMicros} from now (at once, in a later turn, when ≤ 0). */
  Cancellable schedule(long delayMicros, Runnable task);

  @FunctionalInterface
  interface Cancellable {
    void cancel();
  }
}
