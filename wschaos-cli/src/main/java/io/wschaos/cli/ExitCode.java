package io.wschaos.cli;

/** The process exit codes of every wschaos command (DESIGN.md, Command line). */
public enum ExitCode {
  /** Everything passed (or the command ran to its normal end). */
  OK(0),
  /** At least one expectation failed. */
  FAILED(1),
  /** Bad input: a scenario file, a flag or its value. Nothing ran. */
  BAD_INPUT(2),
  /** The environment failed: a port in use, a server that would not start, a client that crashed. */
  ENVIRONMENT(3);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
