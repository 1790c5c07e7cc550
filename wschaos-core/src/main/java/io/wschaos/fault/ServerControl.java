package io.wschaos.fault;

import java.time.Duration;

/**
 * The real server process, when the runner started it ({@code server.command}). The runner
 * implements it; {@code restart_server} asks it for a restart. Proxy mode has none.
 */
public interface ServerControl {
  /**
   * Stops the server with {@code signal} (TERM, KILL or INT), keeps it down {@code downFor}, starts
   * it again on the same port and waits for readiness. Returns at once: the restart runs elsewhere.
   */
  void restart(Duration downFor, String signal);
}
