package io.wschaos.timeline;

import java.util.Arrays;
import java.util.List;

/** The newest events, oldest first, with each one's estimated size. Not thread-safe. */
final class EventRing {
  private Event[] events = new Event[64];
  private int[] sizes = new int[64];
  private int head;
  private int size;

  int size() {
    return size;
  }

  void add(Event e, int bytes) {
    if (size == events.length) {
      grow();
    }
    int i = (head + size) & (events.length - 1);
    events[i] = e;
    sizes[i] = bytes;
    size++;
  }

  Event first() {
    return events[head];
  }

  /** Removes the oldest event and returns its estimated size. */
  int removeFirst() {
    int bytes = sizes[head];
    events[head] = null;
    head = (head + 1) & (events.length - 1);
    size--;
    return bytes;
  }

  /** Events {@code from} (inclusive) to {@code to} (exclusive), counted from the oldest. */
  List<Event> copy(int from, int to) {
    Event[] out = new Event[Math.max(0, to - from)];
    for (int k = 0; k < out.length; k++) {
      out[k] = events[(head + from + k) & (events.length - 1)];
    }
    return Arrays.asList(out);
  }

  private void grow() {
    int n = events.length;
    Event[] e = new Event[n * 2];
    int[] s = new int[n * 2];
    for (int k = 0; k < size; k++) {
      e[k] = events[(head + k) & (n - 1)];
      s[k] = sizes[(head + k) & (n - 1)];
    }
    events = e;
    sizes = s;
    head = 0;
  }
}
