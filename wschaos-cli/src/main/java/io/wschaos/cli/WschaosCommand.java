package io.wschaos.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The shape of every subcommand (after PMD's {@code AbstractPmdSubcommand}): {@link #call} checks
 * every flag first ({@link #validate}: bad input is exit 2, one line, before anything is created),
 * then runs ({@link #execute}). Output goes through picocli's writers ({@link #out()}, {@link
 * #err()}), which the caller of {@link Main#run} chooses; catalogues and the scenario loader come
 * from the {@link Wiring} the command was built with.
 */
abstract class WschaosCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  final Wiring wiring;

  WschaosCommand(Wiring wiring) {
    this.wiring = wiring;
  }

  @Override
  public final Integer call() throws Exception {
    validate();
    return execute();
  }

  /** Checks the flags and arguments; throws {@link CommandFailure} with {@link ExitCode#BAD_INPUT}. Nothing is started here. */
  void validate() {}

  /** Does the work once every flag is known to be good; returns the exit code. */
  abstract int execute() throws Exception;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
