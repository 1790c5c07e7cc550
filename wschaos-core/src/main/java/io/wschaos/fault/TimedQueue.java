package io.wschaos.fault;

import io.wschaos.frame.Direction;

/**
 * Units that leave at set times, in the order they were added (delay, throttle, duplicate with a
 * gap): one timer, for the queue's head, re-armed as it releases. Release times are made
 * non-decreasing, so a later unit never overtakes an earlier one. Bytes held are accounted through
 * {@link HoldQueue}, so a long queue pauses the sender instead of growing without bound.
 */
public final class TimedQueue {
  private final FaultContext ctx;
  private final HoldQueue<Long> queue;
  private long lastRelease;
  private Scheduler.Cancellable timer;
  private StageOutput out;

  public TimedQueue(FaultContext ctx, Direction direction) {
    this.ctx = ctx;
    this.queue = new HoldQueue<>(ctx, direction);
  }

  /**
   * Holds {@code unit} until {@code atMicros} (or the previous unit's release, if later) and
   * returns the time it will leave; released units go to {@code out}.
   */
  public long add(Unit unit, long atMicros, StageOutput out) {
    this.out = out;
    long release = Math.max(lastRelease, atMicros);
    lastRelease = release;
    queue.add(unit, release);
    if (timer == null) {
      arm();
    }
    return release;
  }

  /** The release time of the last unit added (0 before any). */
  public long lastRelease() {
    return lastRelease;
  }

  public boolean isEmpty() {
    return queue.isEmpty();
  }

  /** Releases everything due by {@code untilMicros} now, in order. */
  public void releaseUntil(long untilMicros) {
    cancel();
    HoldQueue.Entry<Long> head;
    while ((head = queue.peek()) != null && head.tag() <= untilMicros) {
      queue.poll();
      out.emit(head.unit());
    }
    arm();
  }

  /** The fault is removed: everything leaves now, in order. */
  public void flush(StageOutput next) {
    cancel();
    queue.drain(next::emit);
  }

  /** The link died: what is held is recorded as discarded. */
  public void discard() {
    cancel();
    queue.discard("discarded");
  }

  private void arm() {
    HoldQueue.Entry<Long> head = queue.peek();
    if (head != null) {
      timer = ctx.scheduler().schedule(head.tag() - ctx.scheduler().nowMicros(), () -> {
        timer = null;
        releaseUntil(ctx.scheduler().nowMicros());
      });
    }
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel();
      timer = null;
    }
  }
}
