package io.wschaos.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

@Command(
    name = "wschaos",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "A WebSocket chaos proxy: inject the faults real networks produce, record a timeline, judge recovery.",
    subcommands = {RunCommand.class, ValidateCommand.class, ProxyCommand.class, DemoServerCommand.class, ToxiproxyCommand.class, SchemaCommand.class, TourCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:all passed",
      "1:an expectation failed",
      "2:bad input (files, flags)",
      "3:the environment failed (port in use, server would not start, client crashed)"
    })
final class RootCommand implements Runnable {
  @Option(names = "--verbose", description = "Print stack traces of failures.", scope = picocli.CommandLine.ScopeType.INHERIT)
  boolean verbose;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  static boolean verbose(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
