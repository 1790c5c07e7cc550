package io.wschaos.cli;

import picocli.CommandLine;

/** The {@code wschaos} command line. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // Netty 4.2's default (adaptive) allocator made a third of the relay's CPU in the benchmarks
    // (docs/benchmarks.md); the pooled one halves the bytes allocated per relayed message.
    if (System.getProperty("io.netty.allocator.type") == null) {
      System.setProperty("io.netty.allocator.type", "pooled");
    }
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code; tests call this in-process. */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new RootCommand());
    cli.setParameterExceptionHandler(Main::badFlag);
    cli.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          boolean verbose = RootCommand.verbose(parsed);
          if (ex instanceof CommandFailure failure) {
            cmd.getErr().println("wschaos: " + failure.getMessage());
            if (verbose && failure.getCause() != null) {
              failure.getCause().printStackTrace(cmd.getErr());
            }
            return failure.exitCode().code();
          }
          cmd.getErr().println("wschaos: " + io.wschaos.spec.Failures.describe(ex));
          if (verbose) {
            ex.printStackTrace(cmd.getErr());
          } else {
            cmd.getErr().println("(run with --verbose for the stack trace)");
          }
          return ExitCode.ENVIRONMENT.code();
        });
    return cli.execute(args);
  }

  private static int badFlag(CommandLine.ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    cmd.getErr().println("wschaos: " + ex.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
    return ExitCode.BAD_INPUT.code();
  }
}
