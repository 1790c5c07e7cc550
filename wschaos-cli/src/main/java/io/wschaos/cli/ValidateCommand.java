package io.wschaos.cli;

import io.wschaos.spec.Problem;
import io.wschaos.scenario.ScenarioLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check scenario files and suites without running anything.",
      "Prints every error of every file to stderr, one a line (file:line:column: key.path: message), then a summary. Folders are read"
          + " recursively (*.yaml, *.yml); a folder's wschaos.yaml supplies the top-level keys its scenarios lack.",
      "Exit 0 when everything is valid, 2 otherwise."
    })
final class ValidateCommand extends WschaosCommand {
  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Scenario files or suite folders.")
  List<Path> paths;

  ValidateCommand(Wiring wiring) {
    super(wiring);
  }

  /** Errors go to stderr, as {@code run}'s do; "N scenario files valid" to stdout. */
  @Override
  int execute() {
    ScenarioLoader.Loaded loaded = new ScenarioLoader(wiring.faults(), wiring.expectations()).load(paths);
    PrintWriter out = out();
    PrintWriter err = err();
    for (Problem e : loaded.errors()) {
      err.println(e);
    }
    Set<String> badFiles = new LinkedHashSet<>();
    loaded.errors().forEach(e -> badFiles.add(e.file()));
    int n = loaded.errors().size();
    if (n == 0) {
      out.println(count(loaded.files(), "scenario file") + " valid");
    } else {
      err.println(count(n, "error") + " in " + count(badFiles.size(), "file") + " (" + count(loaded.files(), "scenario file") + " read, "
          + loaded.scenarios().size() + " valid)");
    }
    out.flush();
    err.flush();
    return n == 0 ? ExitCode.OK.code() : ExitCode.BAD_INPUT.code();
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
