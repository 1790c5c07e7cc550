package io.wschaos.fault;

import java.util.Locale;

/** What a {@code tls} fault makes the proxy's TLS listener do to one connection. */
public enum TlsMode {
  /** A certificate whose validity ended yesterday. */
  EXPIRED("an expired certificate"),
  /** A certificate valid only from tomorrow on. */
  NOT_YET_VALID("a certificate not yet valid"),
  /** A certificate for another host name (wrong.host.invalid), not for 127.0.0.1 or localhost. */
  WRONG_HOST("a certificate for another host"),
  /** A certificate from a certificate authority the client was never told to trust. */
  UNTRUSTED("a certificate from an untrusted authority"),
  /** The client's hello is never answered: the handshake hangs until the client gives up. */
  HANDSHAKE_STALL("no answer to the client's hello"),
  /** The client's hello is answered with a fatal handshake_failure alert. */
  ALERT("a handshake_failure alert");

  private final String description;

  TlsMode(String description) {
    this.description = description;
  }

  /** The YAML name: expired, not_yet_valid, wrong_host… */
  public String yamlName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** What the client gets, in words. */
  public String description() {
    return description;
  }

  /** True for the modes that present a certificate (the handshake runs, the client judges it). */
  public boolean presentsCertificate() {
    return this != HANDSHAKE_STALL && this != ALERT;
  }
}
