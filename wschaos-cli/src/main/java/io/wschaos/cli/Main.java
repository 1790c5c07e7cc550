package io.wschaos.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
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

  /** Runs a command line with the builtin catalogues on this process's stdout and stderr; returns its exit code. */
  public static int run(String... args) {
    Charset cs = Charset.defaultCharset();
    return run(Wiring.builtin(), new PrintWriter(new java.io.OutputStreamWriter(System.out, cs), true),
        new PrintWriter(new java.io.OutputStreamWriter(System.err, cs), true), args);
  }

  /** Runs a command line built with {@code wiring}, printing to {@code out} and {@code err}; tests call this in-process. */
  static int run(Wiring wiring, PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new RootCommand(), new Factory(wiring));
    cli.setOut(out);
    cli.setErr(err);
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
    try {
      return cli.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /** Builds the subcommands with the wiring (their one constructor takes it); anything else as picocli would. */
  private record Factory(Wiring wiring) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      if (WschaosCommand.class.isAssignableFrom(cls)) {
        return cls.cast(cls.getDeclaredConstructor(Wiring.class).newInstance(wiring));
      }
      return CommandLine.defaultFactory().create(cls);
    }
  }

  private static int badFlag(CommandLine.ParameterException ex, String[] args) {
    CommandLine cmd = ex.getCommandLine();
    cmd.getErr().println("wschaos: " + ex.getMessage() + " (see '" + cmd.getCommandSpec().qualifiedName() + " --help')");
    return ExitCode.BAD_INPUT.code();
  }
}
