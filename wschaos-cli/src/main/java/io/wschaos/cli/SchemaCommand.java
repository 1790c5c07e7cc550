package io.wschaos.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.wschaos.scenario.ScenarioSchema;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

@Command(
    name = "schema",
    mixinStandardHelpOptions = true,
    description = {
      "Print the JSON Schema (draft 2020-12) of scenario files, for YAML editors.",
      "Save it (wschaos schema > wschaos.schema.json) and start a scenario with"
          + " '# yaml-language-server: $schema=wschaos.schema.json'."
    })
final class SchemaCommand extends WschaosCommand {
  SchemaCommand(Wiring wiring) {
    super(wiring);
  }

  @Override
  int execute() throws Exception {
    PrintWriter out = out();
    out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(ScenarioSchema.generate(wiring.faults(), wiring.expectations())));
    out.flush();
    return ExitCode.OK.code();
  }
}
