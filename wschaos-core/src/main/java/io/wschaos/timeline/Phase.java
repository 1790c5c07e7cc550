package io.wschaos.timeline;

/** Whether an event happened while the scenario ran or while it was being torn down. */
public enum Phase {
  RUN,
  TEARDOWN
}
