package io.wschaos.proxy;

import io.wschaos.frame.Direction;
import io.wschaos.frame.Leg;

/**
 * What the control API and tests see of a live link. Read from another thread, so the counters may
 * lag by a few frames.
 *
 * @param path the request target the client asked for (path and raw query, not redacted)
 * @param openedAtMicros when the link opened, on the timeline's clock
 * @param queuedToClient bytes written toward the client and not yet taken by its socket
 * @param heldToClient bytes fault stages (delay, reorder…) hold toward the client
 */
public record LinkStats(
    int id,
    int client,
    String path,
    long openedAtMicros,
    long messagesToServer,
    long bytesToServer,
    long messagesToClient,
    long bytesToClient,
    long queuedToServer,
    long queuedToClient,
    long heldToServer,
    long heldToClient) {

  static LinkStats of(Link l) {
    return new LinkStats(
        l.id(),
        l.client(),
        l.target(),
        l.openedAt(),
        l.messagesIn(Direction.TO_SERVER),
        l.bytesIn(Direction.TO_SERVER),
        l.messagesIn(Direction.TO_CLIENT),
        l.bytesIn(Direction.TO_CLIENT),
        l.queuedBytes(Leg.SERVER),
        l.queuedBytes(Leg.CLIENT),
        l.heldBytes(Direction.TO_SERVER),
        l.heldBytes(Direction.TO_CLIENT));
  }
}
