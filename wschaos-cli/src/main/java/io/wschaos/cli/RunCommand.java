package io.wschaos.cli;

import io.wschaos.journal.RunJournal;
import io.wschaos.journal.SuiteJournal;
import io.wschaos.report.ConsoleReport;
import io.wschaos.report.HtmlReport;
import io.wschaos.report.JUnitReport;
import io.wschaos.report.JsonlReport;
import io.wschaos.runner.ScenarioRunner;
import io.wschaos.runner.SuiteRunner;
import io.wschaos.scenario.ClientSpec;
import io.wschaos.scenario.Scenario;
import io.wschaos.spec.SpecException;
import io.wschaos.spec.Problem;
import io.wschaos.timeline.Redactor;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Play scenario files: start each scenario's server, the proxy and the client, inject the faults, judge the expectations.",
      "Prints a line per scenario and per failing expectation, closes with 'N passed, N failed' (scenarios) and says where it wrote reports.",
      "Errors in scenario files go to stderr, located (file:line:column: key.path: message), as validate prints them.",
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:every expectation passed",
      "1:an expectation failed (or stayed undecided)",
      "2:bad input: a scenario file or a flag; nothing ran",
      "3:the environment failed: port in use, server never ready, client never connected (exited or never tried)"
    })
final class RunCommand extends WschaosCommand {
  @Option(names = "--client", paramLabel = "CMD|external",
      description = "Run this client command in every scenario instead of its own, or 'external' to print the proxy URL and wait for a client started elsewhere.")
  String client;

  @Option(names = "--junit", paramLabel = "FILE", description = "Write JUnit XML here: a test suite per scenario, a test case per expectation.")
  Path junit;

  @Option(names = "--report", paramLabel = "DIR", description = "Write each scenario's timeline (JSONL, secrets redacted), its HTML timeline view and index.html into this folder.")
  Path report;

  @Option(names = "--parallel", paramLabel = "N", defaultValue = "1", description = "Run up to N scenarios side by side (default: ${DEFAULT-VALUE}).")
  int parallel;

  @Option(names = "--seed", paramLabel = "N", description = "Use this seed in every scenario instead of its own.")
  Long seed;

  @Option(names = "--repeat", paramLabel = "N", defaultValue = "1",
      description = "Run each scenario N times (same seed) and report how stable each verdict was (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Parameters(paramLabel = "PATH", arity = "1..*", description = "Scenario files or folders (a folder is a suite).")
  List<Path> paths;

  RunCommand(Wiring wiring) {
    super(wiring);
  }

  @Override
  int execute() {
    List<Scenario> scenarios = overridden(load());
    PrintWriter out = out();
    SuiteJournal suite;
    ScenarioRunner.Options options = ScenarioRunner.Options.defaults().withNotices(line -> print(out, List.of(line)));
    try (SuiteRunner runner = new SuiteRunner(parallel, options)) {
      suite = runner.run(scenarios, repeat, new SuiteRunner.Listener() {
        @Override
        public void started(Scenario s, int run, int runs, int index, int total) {
          print(out, List.of(ConsoleReport.started(s.name(), s.seed(), run, runs, index, total)));
        }

        @Override
        public void finished(RunJournal j, int index, int total) {
          print(out, ConsoleReport.finished(j, index, total));
        }
      });
    }
    writeReports(suite);
    print(out, ConsoleReport.summary(suite));
    List<String> written = new ArrayList<>();
    if (junit != null) {
      written.add("JUnit XML " + junit);
    }
    if (report != null) {
      written.add("timelines and HTML views " + report + " (open " + report.resolve("index.html") + ")");
    }
    if (!written.isEmpty()) {
      print(out, List.of("reports: " + String.join("; ", written)));
    }
    return switch (suite.outcome()) {
      case PASSED -> ExitCode.OK.code();
      case FAILED -> ExitCode.FAILED.code();
      case ERROR -> ExitCode.ENVIRONMENT.code();
    };
  }

  @Override
  void validate() {
    if (parallel < 1) {
      throw new CommandFailure(ExitCode.BAD_INPUT, "--parallel: " + parallel + " is not a number of runs at once (1 or more)");
    }
    if (repeat < 1) {
      throw new CommandFailure(ExitCode.BAD_INPUT, "--repeat: " + repeat + " is not a number of runs (1 or more)");
    }
    if (client != null && client.isBlank()) {
      throw new CommandFailure(ExitCode.BAD_INPUT, "--client: give a command, or 'external'");
    }
    if (junit != null) {
      OutputPaths.file("--junit", junit);
    }
    if (report != null) {
      OutputPaths.dir("--report", report);
    }
  }

  private List<Scenario> load() {
    List<Scenario> scenarios;
    try {
      scenarios = wiring.loader().load(paths);
    } catch (ScenarioLoading.ScenarioLoadException e) {
      throw badInput(e.problems());
    } catch (SpecException e) {
      throw badInput(e.problems().stream().map(Problem::toString).toList());
    }
    if (scenarios.isEmpty()) {
      throw new CommandFailure(ExitCode.BAD_INPUT, "no scenario files in " + paths.stream().map(Path::toString).reduce((a, b) -> a + " " + b).orElse(""));
    }
    List<String> problems = new ArrayList<>();
    for (Scenario s : scenarios) {
      if (s.expectations() == null || s.expectations().isEmpty()) {
        problems.add((s.file() != null ? s.file() : s.name()) + ": expect: a scenario needs at least one expectation");
      }
      if (client == null && (s.client() == null || !s.client().external() && (s.client().command() == null || s.client().command().isBlank()))) {
        problems.add((s.file() != null ? s.file() : s.name()) + ": client: no client command (give one, or run with --client CMD or --client external)");
      }
    }
    if (!problems.isEmpty()) {
      throw badInput(problems);
    }
    return scenarios;
  }

  /** Prints every problem but the last, which becomes the one-line failure. */
  private CommandFailure badInput(List<String> problems) {
    PrintWriter err = err();
    for (int i = 0; i < problems.size() - 1; i++) {
      err.println("wschaos: " + problems.get(i));
    }
    err.flush();
    String last = problems.isEmpty() ? "the scenario files are invalid" : problems.get(problems.size() - 1);
    return new CommandFailure(ExitCode.BAD_INPUT, last + (problems.size() > 1 ? " (" + problems.size() + " problems; nothing ran)" : " (nothing ran)"));
  }

  /** Applies --client and --seed to every scenario. */
  private List<Scenario> overridden(List<Scenario> scenarios) {
    List<Scenario> out = new ArrayList<>();
    for (Scenario s : scenarios) {
      ClientSpec c = s.client();
      if (client != null) {
        int instances = c == null ? 1 : Math.max(1, c.instances());
        Map<String, String> env = c == null || c.env() == null ? Map.of() : c.env();
        boolean external = "external".equals(client.trim());
        c = new ClientSpec(external ? null : client, instances, external, c == null ? null : c.waitFor(), env);
      }
      long sd = seed != null ? seed : s.seed();
      out.add(new Scenario(
          s.file(), s.name(), s.description(), s.tags(), sd, s.server(), c, s.proxy(), s.duration(), s.tolerance(), s.messages(),
          s.faults(), s.expectations()));
    }
    return out;
  }

  private void writeReports(SuiteJournal suite) {
    if (junit != null) {
      try {
        JUnitReport.write(suite, junit);
      } catch (IOException e) {
        throw new CommandFailure(ExitCode.ENVIRONMENT, "cannot write --junit " + junit + ": " + OutputPaths.reason(e), e);
      }
    }
    if (report != null) {
      try {
        JsonlReport.write(suite, report, Redactor.ON);
        HtmlReport.write(suite, report, Redactor.ON);
      } catch (IOException e) {
        throw new CommandFailure(ExitCode.ENVIRONMENT, "cannot write --report " + report + ": " + OutputPaths.reason(e), e);
      }
    }
  }

  private static void print(PrintWriter out, List<String> lines) {
    synchronized (out) {
      lines.forEach(out::println);
      out.flush();
    }
  }
}
