package io.wschaos.cli;

import io.vertx.core.Vertx;
import io.wschaos.demo.FeedServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "demo-server",
    mixinStandardHelpOptions = true,
    description = "Run the builtin feed server standalone (docs/feed-protocol.md); runs until stopped.")
final class DemoServerCommand extends WschaosCommand {
  @Option(names = "--port", defaultValue = "9000", description = "Port on 127.0.0.1, 0 for any (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--rate", defaultValue = "10", description = "Data messages per second (default: ${DEFAULT-VALUE}; 0 sends none).")
  double rate;

  @Option(names = "--resend-after", converter = DurationConverter.class, description = "Resend unacked data after this long (default: off).")
  Duration resendAfter;

  @Option(names = "--require-token", description = "Require ?token= from GET /token (401 without, close 4001 when expired, 4003 when forbidden).")
  boolean requireToken;

  @Option(names = "--state", paramLabel = "FILE", description = "Keep the sequence position here so it survives a restart.")
  Path state;

  private FeedServer.Options options;

  DemoServerCommand(Wiring wiring) {
    super(wiring);
  }

  @Override
  void validate() {
    try {
      options =
          FeedServer.Options.defaults()
              .withPort(port)
              .withHost(host)
              .withRate(rate)
              .withResendAfter(resendAfter)
              .withRequireToken(requireToken)
              .withStateFile(state);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(ExitCode.BAD_INPUT, e.getMessage());
    }
    if (state != null) {
      OutputPaths.file("--state", state);
      java.nio.file.Path dir = state.toAbsolutePath().getParent();
      try {
        java.nio.file.Files.createDirectories(dir);
      } catch (java.io.IOException e) {
        throw new CommandFailure(ExitCode.BAD_INPUT, "--state " + state + ": " + OutputPaths.reason(e), e);
      }
    }
  }

  @Override
  int execute() throws Exception {
    Vertx vertx = Vertx.vertx();
    FeedServer server;
    try {
      server = FeedServer.start(vertx, options).await();
    } catch (Exception e) {
      vertx.close();
      String why = io.wschaos.spec.Failures.describe(e);
      if (why.startsWith("state file ")) {
        throw new CommandFailure(ExitCode.BAD_INPUT, "--state: " + why, e); // its content is bad input too
      }
      throw new CommandFailure(ExitCode.ENVIRONMENT, "cannot start the feed server on " + host + ":" + port + ": " + io.wschaos.spec.Failures.describe(e), e);
    }
    out().printf("wschaos demo-server: feed on ws://%s:%d/ (tokens: http://%s:%d/token)%n", host, server.port(), host, server.port());
    out().flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close().toCompletionStage().toCompletableFuture().get(3, java.util.concurrent.TimeUnit.SECONDS);
                  } catch (Exception ignored) {
                    // stopping anyway
                  }
                  vertx.close();
                  stopped.countDown();
                }));
    stopped.await();
    return ExitCode.OK.code();
  }
}
