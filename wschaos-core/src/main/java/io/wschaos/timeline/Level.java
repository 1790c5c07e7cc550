package io.wschaos.timeline;

/**
 * How much the proxy records per message. Link lifecycle events (attempt, open, close, abort,
 * rejected, http) are recorded at every level; only message and control-frame events vary.
 */
public enum Level {
  /** Per-link counters only: no per-message events. */
  COUNTERS,
  /** A message event with opcode, size and time, no payload. */
  META,
  /** Like META, plus a bounded text preview of the payload. */
  PREVIEW;

  public boolean recordsMessages() {
    return this != COUNTERS;
  }
}
