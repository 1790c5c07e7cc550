package io.wschaos.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** README.md's command table names every flag of every command (hidden ones and --help/--version aside). */
class ReadmeCommandTableTest {
  @Test
  void everyCommandsRowListsEachOfItsFlags() throws IOException {
    List<String> readme = Files.readAllLines(Path.of("README.md"));
    CommandLine root = new CommandLine(new RootCommand(), new Main.Factory(Wiring.builtin()));
    List<String> missing = new ArrayList<>();
    for (CommandLine sub : root.getSubcommands().values()) {
      CommandSpec spec = sub.getCommandSpec();
      String row = readme.stream().filter(l -> l.startsWith("| `wschaos " + spec.name() + " ") || l.startsWith("| `wschaos " + spec.name() + "`"))
          .findFirst().orElse(null);
      if (row == null) {
        missing.add(spec.name() + ": no row");
        continue;
      }
      for (OptionSpec o : spec.options()) {
        String flag = o.longestName();
        if (o.hidden() || o.usageHelp() || o.versionHelp() || flag.equals("--verbose")) {
          continue;
        }
        if (!row.contains("[" + flag + " ") && !row.contains("[" + flag + "]") && !row.contains(" " + flag + " ")) {
          missing.add(spec.name() + " " + flag);
        }
      }
    }
    assertEquals(List.of(), missing, "flags the README's command table does not list");
  }
}
