package io.wschaos.fault;

/** The part of a fault that acts on the proxy's client-facing listener while the fault is active. */
public interface ListenerStage {
  /** A TCP connection was accepted: true to reset it at once (the client sees a failed connection). */
  default boolean resetsConnection() {
    return false;
  }

  /** The id of the fault this stage belongs to. */
  String faultId();

  /** True while the listening socket must be closed (connections are refused by the kernel). */
  default boolean refusesConnections() {
    return false;
  }

  /** An upgrade request arrived: how to answer it, or null to let it through to the server. */
  default HandshakeAction onHandshake(AttemptView attempt) {
    return null;
  }
}
