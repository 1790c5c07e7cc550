package io.wschaos.runner;

/**
 * The environment failed, not the client under test: a server that never became ready, a port in
 * use, a client that exited before any attempt, {@code setsid} missing. The scenario is an error
 * (exit code 3, JUnit {@code <error>}); the message is the one line the user reads.
 */
public final class EnvironmentException extends Exception {
  public EnvironmentException(String message) {
    super(message);
  }

  public EnvironmentException(String message, Throwable cause) {
    super(message, cause);
  }
}
