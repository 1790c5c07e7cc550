package io.wschaos.cli;

/** A failure that a command reports as one line and an exit code, without a stack trace. */
final class CommandFailure extends RuntimeException {
  private final ExitCode exitCode;

  CommandFailure(ExitCode exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  CommandFailure(ExitCode exitCode, String message) {
    this(exitCode, message, null);
  }

  ExitCode exitCode() {
    return exitCode;
  }
}
