package io.wschaos.cli;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import io.wschaos.toxiproxy.ToxiproxyApi;
import io.wschaos.toxiproxy.Toxiproxies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "toxiproxy",
    mixinStandardHelpOptions = true,
    description = "Answer Toxiproxy's HTTP API: Toxiproxy clients create WebSocket proxies and add toxics, which become wschaos faults (docs/toxiproxy.md). Starts with no proxies; runs until stopped.")
final class ToxiproxyCommand extends WschaosCommand {
  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address the API listens on (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "8474", description = "Port of the API, 0 for any (default: ${DEFAULT-VALUE}, Toxiproxy's).")
  int port;

  @Option(names = "--config", paramLabel = "FILE", description = "A JSON file of proxies to create at start, as POST /populate takes it (Toxiproxy's -config).")
  Path config;

  @Option(names = "--timeline", paramLabel = "FILE", description = "Append every event of every proxy to this JSONL file (docs/timeline.md).")
  Path timelineFile;

  @Option(names = "--level", paramLabel = "LEVEL", description = "What is recorded per message: counters, meta or preview (default: meta, preview with --timeline).")
  String level;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0", description = "The seed of every random decision, toxicity included (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--ready-file", paramLabel = "FILE", hidden = true, description = "Write the API's port here once listening (for tests).")
  Path readyFile;

  private Level recording;
  private String populate;

  ToxiproxyCommand(Wiring wiring) {
    super(wiring);
  }

  @Override
  void validate() {
    if (port < 0 || port > 65535) {
      throw new CommandFailure(ExitCode.BAD_INPUT, "--port: " + port + " is not a port (0-65535)");
    }
    try {
      recording = level == null ? (timelineFile != null ? Level.PREVIEW : Level.META) : Level.valueOf(level.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(ExitCode.BAD_INPUT, "--level: '" + level + "' is not one of counters, meta, preview");
    }
    if (config != null) {
      try {
        populate = Files.readString(config);
      } catch (java.io.IOException e) {
        throw new CommandFailure(ExitCode.BAD_INPUT, "--config " + config + ": " + OutputPaths.reason(e), e);
      }
    }
    if (timelineFile != null) {
      OutputPaths.file("--timeline", timelineFile);
    }
  }

  @Override
  int execute() throws Exception {
    Timeline.Options timelineOptions = Timeline.Options.defaults();
    Timeline timeline = new Timeline(recording, timelineFile == null ? timelineOptions : timelineOptions.withFile(timelineFile));
    Vertx vertx = Vertx.vertx();
    Vertx apiVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2).setInternalBlockingPoolSize(2));
    Toxiproxies proxies = new Toxiproxies(vertx, timeline, new AtomicInteger(), seed, wiring.faults());
    ToxiproxyApi api;
    try {
      api = ToxiproxyApi.start(apiVertx, proxies, host, port).await();
    } catch (Exception e) {
      apiVertx.close();
      vertx.close();
      timeline.close();
      String why = String.valueOf(e.getMessage()).contains("in use") ? "address already in use" : io.wschaos.spec.Failures.describe(e);
      throw new CommandFailure(ExitCode.ENVIRONMENT, "cannot listen on " + host + ":" + port + ": " + why, e);
    }
    out().printf("wschaos toxiproxy: Toxiproxy API on http://%s:%d (recording: %s, seed: %d)%n", host, api.port(), recording.name().toLowerCase(Locale.ROOT), seed);
    if (populate != null) {
      String body = populate;
      String result = api.populate(body).await();
      out().println("wschaos toxiproxy: --config " + config + ": " + result);
    }
    if (timelineFile != null) {
      out().printf("wschaos timeline: %s%n", timelineFile);
    }
    out().flush();
    if (readyFile != null) {
      Files.writeString(readyFile, Integer.toString(api.port()));
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        api.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // shutting down anyway
      }
      timeline.close();
      apiVertx.close();
      vertx.close();
      stopped.countDown();
    }));
    stopped.await();
    return ExitCode.OK.code();
  }
}
