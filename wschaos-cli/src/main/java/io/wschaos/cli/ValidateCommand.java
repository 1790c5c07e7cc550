package io.wschaos.cli;

import io.wschaos.scenario.ScenarioError;
import io.wschaos.scenario.ScenarioLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check scenario files and suites without running anything.",
      "Prints every error of every file, one a line (file:line:column: key.path: message), then a summary. Folders are read"
          + " recursively (*.yaml, *.yml); a folder's wschaos.yaml supplies the top-level keys its scenarios lack.",
      "Exit 0 when everything is valid, 2 otherwise."
    })
final class ValidateCommand implements Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "PATH", description = "Scenario files or suite folders.")
  List<Path> paths;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    ScenarioLoader.Loaded loaded = new ScenarioLoader(Catalogs.faults(), Catalogs.expectations()).load(paths);
    PrintWriter out = spec.commandLine().getOut();
    for (ScenarioError e : loaded.errors()) {
      out.println(e);
    }
    Set<String> badFiles = new LinkedHashSet<>();
    loaded.errors().forEach(e -> badFiles.add(e.file()));
    int n = loaded.errors().size();
    if (n == 0) {
      out.println(count(loaded.files(), "scenario file") + " valid");
    } else {
      out.println(count(n, "error") + " in " + count(badFiles.size(), "file") + " (" + count(loaded.files(), "scenario file") + " read, "
          + loaded.scenarios().size() + " valid)");
    }
    out.flush();
    return n == 0 ? ExitCode.OK.code() : ExitCode.BAD_INPUT.code();
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
