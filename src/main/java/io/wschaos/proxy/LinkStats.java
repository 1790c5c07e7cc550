package io.wschaos.proxy;

import io.wschaos.frame.Direction;
import io.wschaos.frame.Leg;

/**
 * What the control API and tests see of a live link. Read from another thread, so the counters may
 * lag by a few frames.
 *
 * @param queuedToClient bytes written toward the client and not yet taken by its socket
 */
public record LinkStats(
    int id,
    long openedAtMicros,
    long messagesToServer,
    long bytesToServer,
    long messagesToClient,
    long bytesToClient,
    long queuedToServer,
    long queuedToClient) {

  static LinkStats of(Link l) {
    return new LinkStats(
        l.id(),
        l.openedAt(),
        l.messagesIn(Direction.TO_SERVER),
        l.bytesIn(Direction.TO_SERVER),
        l.messagesIn(Direction.TO_CLIENT),
        l.bytesIn(Direction.TO_CLIENT),
        l.queuedBytes(Leg.SERVER),
        l.queuedBytes(Leg.CLIENT));
  }
}
