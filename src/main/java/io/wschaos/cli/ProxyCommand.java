package io.wschaos.cli;

import io.vertx.core.Vertx;
import io.wschaos.proxy.ProxyOptions;
import io.wschaos.proxy.ProxyServer;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.net.BindException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description = "Relay WebSocket connections to an upstream server and record them; runs until stopped (Ctrl-C).")
final class ProxyCommand implements Callable<Integer> {
  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080", converter = HostPort.Converter.class,
      description = "Where clients connect (default: ${DEFAULT-VALUE}).")
  HostPort listen;

  @Option(names = "--upstream", paramLabel = "URL", required = true, description = "The real server, ws://host:port[/base] or wss://…")
  String upstream;

  @Option(names = "--level", paramLabel = "LEVEL",
      description = "What is recorded per message: counters, meta (opcode, size, time) or preview (plus a text preview). Default: meta, preview with --timeline.")
  String level;

  @Option(names = "--max-frame", paramLabel = "SIZE", defaultValue = "16MiB", converter = ByteSize.class,
      description = "Largest frame accepted on either leg (default: ${DEFAULT-VALUE}); bigger ones are refused with 1009.")
  int maxFrame;

  @Option(names = "--ready-file", paramLabel = "FILE", hidden = true, description = "Write the bound port here once listening (for tests and benchmarks).")
  java.nio.file.Path readyFile;

  @Override
  public Integer call() throws Exception {
    URI up;
    try {
      up = new URI(upstream);
    } catch (URISyntaxException e) {
      throw new CommandFailure(ExitCode.BAD_INPUT, "--upstream: '" + upstream + "' is not a URL (e.g. ws://127.0.0.1:9000)");
    }
    ProxyOptions options;
    try {
      options = ProxyOptions.of(up).withListen(listen.host(), listen.port()).withMaxFrameBytes(maxFrame);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(ExitCode.BAD_INPUT, "--upstream: " + e.getMessage());
    }
    Level recording = parseLevel();
    Vertx vertx = Vertx.vertx();
    Timeline timeline = new Timeline(recording);
    ProxyServer proxy;
    try {
      proxy = ProxyServer.start(vertx, options, timeline).await();
    } catch (Exception e) {
      vertx.close();
      if (e instanceof BindException || String.valueOf(e.getMessage()).contains("Address already in use")) {
        throw new CommandFailure(ExitCode.ENVIRONMENT, "cannot listen on " + listen.host() + ":" + listen.port() + ": address already in use", e);
      }
      throw new CommandFailure(ExitCode.ENVIRONMENT, "cannot listen on " + listen.host() + ":" + listen.port() + ": " + e.getMessage(), e);
    }
    System.out.printf("wschaos proxy: ws://%s:%d -> %s (recording: %s)%n", listen.host(), proxy.port(), up, recording.name().toLowerCase());
    if (readyFile != null) {
      java.nio.file.Files.writeString(readyFile, Integer.toString(proxy.port()));
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    proxy.close().toCompletionStage().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
                  } catch (Exception ignored) {
                    // shutting down anyway
                  }
                  timeline.close();
                  vertx.close();
                  stopped.countDown();
                }));
    stopped.await();
    return ExitCode.OK.code();
  }

  private Level parseLevel() {
    if (level == null) {
      return Level.META;
    }
    try {
      return Level.valueOf(level.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(ExitCode.BAD_INPUT, "--level: '" + level + "' is not one of counters, meta, preview");
    }
  }
}
