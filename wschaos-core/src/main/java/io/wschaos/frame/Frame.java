package io.wschaos.frame;

/**
 * One WebSocket frame as the fault pipeline sees it. The transport owns the bytes; a frame only
 * copies them out when a fault or a recorder asks, so pass-through never copies.
 */
public interface Frame {
  Opcode opcode();

  /** The FIN bit: the last frame of a message. Control frames always have it. */
  boolean fin();

  /** Payload length in bytes. */
  int size();

  /** A copy of the payload. */
  byte[] payload();
}
