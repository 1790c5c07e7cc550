package io.wschaos.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.wschaos.scenario.ScenarioSchema;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "schema",
    mixinStandardHelpOptions = true,
    description = {
      "Print the JSON Schema (draft 2020-12) of scenario files, for YAML editors.",
      "Save it (wschaos schema > wschaos.schema.json) and start a scenario with"
          + " '# yaml-language-server: $schema=wschaos.schema.json'."
    })
final class SchemaCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(ScenarioSchema.generate(Catalogs.faults(), Catalogs.expectations())));
    out.flush();
    return ExitCode.OK.code();
  }
}
