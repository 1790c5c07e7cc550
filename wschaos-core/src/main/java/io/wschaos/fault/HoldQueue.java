package io.wschaos.fault;

import io.wschaos.frame.Direction;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Units a fault holds (delay, reorder, throttle, stall), in arrival order, with their bytes counted
 * against the link's holding bound so a full queue pauses the source instead of dropping.
 */
public final class HoldQueue<T> {
  private final ArrayDeque<Entry<T>> entries = new ArrayDeque<>();
  private final FaultContext ctx;
  private final Direction direction;

  /** A held unit and what the fault keeps with it (a release time, a sort key). */
  public record Entry<T>(Unit unit, T tag) {}

  public HoldQueue(FaultContext ctx, Direction direction) {
    this.ctx = ctx;
    this.direction = direction;
  }

  public void add(Unit unit, T tag) {
    entries.addLast(new Entry<>(unit, tag));
    ctx.held(direction, unit.size());
  }

  public Entry<T> peek() {
    return entries.peekFirst();
  }

  public Entry<T> poll() {
    Entry<T> e = entries.pollFirst();
    if (e != null) {
      ctx.held(direction, -e.unit().size());
    }
    return e;
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  public int size() {
    return entries.size();
  }

  /** Releases everything, in order. */
  public void drain(Consumer<Unit> out) {
    Entry<T> e;
    while ((e = poll()) != null) {
      out.accept(e.unit());
    }
  }

  /** Forgets everything (the link died), recording each as {@code discarded}. */
  public void discard(String faultAction) {
    Entry<T> e;
    while ((e = poll()) != null) {
      ctx.record(faultAction, direction, e.unit().id(), "held when the link ended");
    }
  }

  public Iterable<Entry<T>> entries() {
    return entries;
  }
}
