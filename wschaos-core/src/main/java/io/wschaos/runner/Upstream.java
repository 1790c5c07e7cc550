package io.wschaos.runner;

import io.wschaos.fault.ServerControl;
import java.net.URI;

/** The real server a scenario's proxy relays to: builtin, an already running URL, or a command. */
interface Upstream {
  /** The ws:// URL the proxy relays to. */
  URI uri();

  /** What restart_server restarts, or null when wschaos did not start the server ({@code url}). */
  ServerControl control();

  /** Stops the server for good (teardown); a restart in progress gives up. Idempotent. */
  void stop();

  /** An already running server: nothing to start, stop or restart. */
  record External(URI uri) implements Upstream {
    public ServerControl control() {
      return null;
    }

    public void stop() {}
  }
}
