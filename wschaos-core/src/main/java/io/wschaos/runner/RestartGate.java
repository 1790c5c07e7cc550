package io.wschaos.runner;

import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Timeline;

/**
 * restart_server for a server the runner started: at most one restart at a time, each on its own
 * daemon thread (it waits out {@code down_for} and the readiness check), none once the run is
 * ending. The owner calls it under its own lock, the one that guards its "stopped" state.
 */
final class RestartGate {
  private final Timeline timeline;
  private final String threadName;
  private Thread running;

  RestartGate(Timeline timeline, String threadName) {
    this.timeline = timeline;
    this.threadName = threadName;
  }

  /** Starts {@code restart} unless the run is {@code ending} or a restart is in progress (then records it as skipped). */
  void start(boolean ending, Runnable restart) {
    if (ending || running != null && running.isAlive()) {
      timeline.record(0, 0, new EventBody.ServerProcess("restarted", null, null, "skipped: " + (ending ? "the run is ending" : "a restart is in progress")));
      return;
    }
    running = new Thread(restart, threadName);
    running.setDaemon(true);
    running.start();
  }

  /** The restart thread, if one was ever started (teardown interrupts and joins it). */
  Thread thread() {
    return running;
  }
}
