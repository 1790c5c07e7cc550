package io.wschaos.timeline;

/**
 * One entry of the timeline: a header common to every kind, and the kind's own fields in {@code body}.
 *
 * @param seq monotonic per timeline, from 1: the key for evidence and {@code since=} cursors
 * @param t microseconds since the timeline's origin
 * @param link the link number (1, 2, 3… in order of attempt), 0 when the event belongs to no link
 * @param client the logical client (runner instance), 0 when unknown
 * @param phase run or teardown
 * @param body what happened
 */
public record Event(long seq, long t, int link, int client, Phase phase, EventBody body) {
  /** Version of the timeline schema (docs/timeline.md); written as {@code v} on every line. */
  public static final int SCHEMA_VERSION = 1;

  public String kind() {
    return body.kind();
  }
}
