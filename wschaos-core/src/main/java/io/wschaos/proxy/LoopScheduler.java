package io.wschaos.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.wschaos.fault.Scheduler;
import io.wschaos.timeline.Timeline;
import java.util.concurrent.TimeUnit;

/** A link's event loop as the faults' scheduler, on the timeline's clock. */
final class LoopScheduler implements Scheduler {
  private final EventExecutor loop;
  private final Timeline timeline;

  LoopScheduler(EventExecutor loop, Timeline timeline) {
    this.loop = loop;
    this.timeline = timeline;
  }

  @Override
  public long nowMicros() {
    return timeline.now();
  }

  @Override
  public Cancellable schedule(long delayMicros, Runnable task) {
    var f = loop.schedule(task, Math.max(0, delayMicros), TimeUnit.MICROSECONDS);
    return () -> f.cancel(false);
  }
}
