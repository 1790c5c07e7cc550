package io.wschaos.cli;

import io.wschaos.spec.SpecException;
import io.vertx.core.Vertx;
import io.wschaos.api.ApiOptions;
import io.wschaos.api.ControlApi;
import io.wschaos.proxy.ProxyOptions;
import io.wschaos.proxy.ProxyServer;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.net.BindException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    description = "Relay WebSocket connections to an upstream server and record them; runs until stopped (Ctrl-C).")
final class ProxyCommand extends WschaosCommand {
  @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080", converter = HostPort.Converter.class,
      description = "Where clients connect (default: ${DEFAULT-VALUE}).")
  HostPort listen;

  @Option(names = "--upstream", paramLabel = "URL", required = true, description = "The real server, ws://host:port[/base] or wss://…")
  String upstream;

  @Option(names = "--level", paramLabel = "LEVEL",
      description = "What is recorded per message: counters, meta (opcode, size, time) or preview (plus a text preview). Default: meta, preview with --timeline.")
  String level;

  @Option(names = "--api", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8474",
      description = "Where the control API listens (default: ${DEFAULT-VALUE}); 'off' disables it. See docs/api.md.")
  String api;

  @Option(names = "--toxiproxy-api", paramLabel = "HOST:PORT", converter = HostPort.Converter.class,
      description = "Also answer Toxiproxy's HTTP API here (default: off): Toxiproxy clients add proxies of their own, recorded on this timeline (docs/toxiproxy.md).")
  HostPort toxiproxyApi;

  @Option(names = "--ui", description = "Serve the live timeline and a fault panel at http://<api>/ui (needs --api).")
  boolean ui;

  @Option(names = "--api-token", paramLabel = "TOKEN",
      description = "Require 'Authorization: Bearer TOKEN' on every API request (default: the WSCHAOS_API_TOKEN environment variable, else none).")
  String apiToken;

  @Option(names = "--timeline", paramLabel = "FILE",
      description = "Append every event to this JSONL file (docs/timeline.md); recording becomes preview unless --level says otherwise.")
  Path timelineFile;

  @Option(names = "--no-redact",
      description = "Write secrets (Authorization, Cookie, token-like query keys) as they are, in the timeline file and the API.")
  boolean noRedact;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
      description = "The seed every random fault decision derives from (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--max-frame", paramLabel = "SIZE", defaultValue = "16MiB", converter = ByteSize.class,
      description = "Largest frame accepted on either leg (default: ${DEFAULT-VALUE}); bigger ones are refused with 1009.")
  int maxFrame;

  @Option(names = "--upstream-timeout", paramLabel = "DURATION", defaultValue = "60s", converter = DurationConverter.class,
      description = "How long the server may take to answer the upgrade before the client gets 504 (default: ${DEFAULT-VALUE}).")
  java.time.Duration upstreamTimeout;

  @Option(names = "--handshake-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
      description = "How long a client may take to send its request line and headers before the proxy closes the connection, with 408 once the request line came (default: ${DEFAULT-VALUE}); an open link is never timed.")
  java.time.Duration handshakeTimeout;

  @Option(names = "--fault", paramLabel = "ENTRY",
      description = "A fault to start with, one entry of the scenario schema in YAML or JSON, e.g. '{delay: {to: client, by: 200ms}}' (repeatable; docs/faults.md).")
  java.util.List<String> faults = new java.util.ArrayList<>();

  @Option(names = "--event-loops", paramLabel = "N",
      description = "Event loops that accept and relay links (default: one per CPU).")
  Integer eventLoops;

  @Option(names = "--transport", paramLabel = "KIND", defaultValue = "native",
      description = "Socket transport: native (epoll on Linux, finer timers; falls back to nio where unavailable) or nio (default: ${DEFAULT-VALUE}).")
  String transport;

  @Option(names = "--ready-file", paramLabel = "FILE", hidden = true, description = "Write the bound port here once listening (for tests and benchmarks).")
  java.nio.file.Path readyFile;

  // What validate() made of the flags, for execute().
  private URI up;
  private ProxyOptions options;
  private ApiOptions apiOptions;
  private Level recording;
  private java.util.List<io.wschaos.fault.FaultSpec> initialFaults;

  ProxyCommand(Wiring wiring) {
    super(wiring);
  }

  /** Every flag is checked before anything is created: bad input leaves no timeline file behind. */
  @Override
  void validate() {
    try {
      up = new URI(upstream);
    } catch (URISyntaxException e) {
      throw new CommandFailure(ExitCode.BAD_INPUT, "--upstream: '" + upstream + "' is not a URL (e.g. ws://127.0.0.1:9000)");
    }
    try {
      options = ProxyOptions.of(up).withListen(listen.host(), listen.port()).withMaxFrameBytes(maxFrame).withSeed(seed)
          .withUpstreamTimeout(upstreamTimeout).withHeadTimeout(handshakeTimeout);
      if (eventLoops != null) {
        options = options.withEventLoops(eventLoops);
      }
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(ExitCode.BAD_INPUT, (e.getMessage().contains("event loop") ? "--event-loops: " : e.getMessage().contains("handshake timeout") ? "--handshake-timeout: " : "--upstream: ") + e.getMessage());
    }
    apiOptions = parseApi();
    if (ui && apiOptions == null) {
      throw new CommandFailure(ExitCode.BAD_INPUT, "--ui: the live UI is served by the control API; do not combine it with --api off");
    }
    recording = parseLevel();
    initialFaults = parseFaults();
    if (!"native".equals(transport) && !"nio".equals(transport)) {
      throw new CommandFailure(ExitCode.BAD_INPUT, "--transport: '" + transport + "' is not native or nio");
    }
    if (timelineFile != null) {
      OutputPaths.file("--timeline", timelineFile);
    }
  }

  @Override
  int execute() throws Exception {
    java.io.PrintWriter out = out();
    Timeline.Options timelineOptions = Timeline.Options.defaults().withRedact(!noRedact);
    Timeline timeline;
    try {
      timeline = new Timeline(recording, timelineFile == null ? timelineOptions : timelineOptions.withFile(timelineFile));
    } catch (java.io.UncheckedIOException e) {
      throw new CommandFailure(ExitCode.BAD_INPUT, "--timeline: " + e.getMessage(), e);
    }
    Vertx vertx = Vertx.vertx(new io.vertx.core.VertxOptions().setPreferNativeTransport("native".equals(transport)));
    ProxyServer proxy;
    // Shared with the Toxiproxy API's proxies, which record on the same timeline.
    java.util.concurrent.atomic.AtomicInteger linkNumbers = new java.util.concurrent.atomic.AtomicInteger();
    try {
      proxy = ProxyServer.start(vertx, options, timeline, linkNumbers).await();
    } catch (Exception e) {
      vertx.close();
      timeline.close();
      throw cannotListen(listen.host() + ":" + listen.port(), e);
    }
    proxy.faults().origin(timeline.now()); // t = 0 for at: triggers is when the proxy listens
    for (io.wschaos.fault.FaultSpec f : initialFaults) {
      proxy.faults().add(f);
    }
    ControlApi control = null;
    // The API gets a Vert.x of its own, one event loop: its requests never queue behind a link's
    // reads on a relay loop (DESIGN: the API never waits on a link), and the OS schedules its
    // thread, mostly idle, as soon as a request comes.
    Vertx apiVertx = apiOptions == null ? null
        : Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(2).setInternalBlockingPoolSize(2)
            .setPreferNativeTransport("native".equals(transport)));
    if (apiOptions != null) {
      try {
        control = ControlApi.start(apiVertx, proxy, apiOptions).await();
      } catch (Exception e) {
        apiVertx.close();
        proxy.close().await();
        vertx.close();
        timeline.close();
        throw cannotListen("--api " + apiOptions.host() + ":" + apiOptions.port(), e);
      }
    }
    io.wschaos.toxiproxy.ToxiproxyApi toxiproxy = null;
    if (toxiproxyApi != null) {
      var collection = new io.wschaos.toxiproxy.Toxiproxies(vertx, timeline, linkNumbers, seed, wiring.faults());
      try {
        toxiproxy = io.wschaos.toxiproxy.ToxiproxyApi.start(apiVertx != null ? apiVertx : vertx, collection, toxiproxyApi.host(), toxiproxyApi.port()).await();
      } catch (Exception e) {
        if (control != null) {
          control.close().await();
          apiVertx.close();
        }
        proxy.close().await();
        vertx.close();
        timeline.close();
        throw cannotListen("--toxiproxy-api " + toxiproxyApi.host() + ":" + toxiproxyApi.port(), e);
      }
    }
    out.printf(
        "wschaos proxy: ws://%s:%d -> %s (recording: %s, seed: %d, transport: %s)%n",
        listen.host(), proxy.port(), up, recording.name().toLowerCase(), seed, vertx.isNativeTransportEnabled() ? "native" : "nio");
    for (io.wschaos.fault.FaultSpec f : initialFaults) {
      out.printf("wschaos fault: %s (%s) armed%n", f.id(), f.name());
    }
    if (control != null && ui) {
      control.enableUi(io.wschaos.scenario.ScenarioSchema.generate(wiring.faults(), wiring.expectations()).path("$defs").path("faults"));
    }
    if (control != null) {
      out.printf("wschaos api: %s%s%n", control.url(), apiOptions.token() != null ? " (requests need the API token)" : "");
      if (ui) {
        out.printf("wschaos ui: %s%s%n", control.uiUrl(), apiOptions.token() != null ? " (opens the UI once, in one browser)" : "");
      }
    }
    if (toxiproxy != null) {
      out.printf("wschaos toxiproxy api: http://%s:%d (Toxiproxy clients; docs/toxiproxy.md)%n", toxiproxyApi.host(), toxiproxy.port());
    }
    if (timelineFile != null) {
      out.printf("wschaos timeline: %s%s%n", timelineFile, noRedact ? " (not redacted)" : "");
    }
    out.flush();
    if (readyFile != null) {
      java.nio.file.Files.writeString(readyFile, Integer.toString(proxy.port()));
    }
    ControlApi controlApi = control;
    io.wschaos.toxiproxy.ToxiproxyApi toxiproxyServer = toxiproxy;
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    if (toxiproxyServer != null) {
                      toxiproxyServer.close().toCompletionStage().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
                    }
                    if (controlApi != null) {
                      controlApi.close().toCompletionStage().toCompletableFuture().get(2, java.util.concurrent.TimeUnit.SECONDS);
                    }
                    proxy.close().toCompletionStage().toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS);
                  } catch (Exception ignored) {
                    // shutting down anyway
                  }
                  timeline.close();
                  if (apiVertx != null) {
                    apiVertx.close();
                  }
                  vertx.close();
                  stopped.countDown();
                }));
    stopped.await();
    return ExitCode.OK.code();
  }

  /** Every --fault entry, parsed by the same code as scenario files and the API; bad ones are exit 2. */
  private java.util.List<io.wschaos.fault.FaultSpec> parseFaults() {
    var parser = new io.wschaos.fault.FaultEntryParser(wiring.faults());
    var yaml = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory());
    java.util.List<io.wschaos.fault.FaultSpec> out = new java.util.ArrayList<>();
    java.util.List<String> problems = new java.util.ArrayList<>();
    for (int i = 0; i < faults.size(); i++) {
      try {
        out.addAll(parser.parse(yaml.readTree(faults.get(i)), "--fault[" + (i + 1) + "]", "f" + (i + 1)));
      } catch (io.wschaos.spec.SpecException e) {
        e.problems().forEach(pr -> problems.add(pr.toString()));
      } catch (java.io.IOException e) {
        // located as in a scenario file, the argument being the "file": --fault[2]:1:22: YAML syntax error: …
        io.wschaos.spec.Problem located = io.wschaos.scenario.ScenarioLoader.yamlSyntax(faults.get(i), "--fault[" + (i + 1) + "]");
        problems.add(located != null ? located.toString() : "--fault[" + (i + 1) + "]: not YAML or JSON: " + io.wschaos.spec.Failures.describe(e));
      }
    }
    if (!problems.isEmpty()) {
      throw new CommandFailure(ExitCode.BAD_INPUT, String.join("\n", problems));
    }
    return out;
  }

  private static CommandFailure cannotListen(String where, Exception e) {
    if (e instanceof BindException || String.valueOf(e.getMessage()).contains("Address already in use")) {
      return new CommandFailure(ExitCode.ENVIRONMENT, "cannot listen on " + where + ": address already in use", e);
    }
    return new CommandFailure(ExitCode.ENVIRONMENT, "cannot listen on " + where + ": " + io.wschaos.spec.Failures.describe(e), e);
  }

  /** The API's options from --api and --api-token (or WSCHAOS_API_TOKEN); null for --api off. */
  private ApiOptions parseApi() {
    String token = apiToken != null ? apiToken : System.getenv("WSCHAOS_API_TOKEN");
    if (token != null && token.isBlank()) {
      throw new CommandFailure(ExitCode.BAD_INPUT, "--api-token: the token cannot be blank");
    }
    if ("off".equalsIgnoreCase(api.trim())) {
      return null;
    }
    HostPort hp;
    try {
      hp = new HostPort.Converter().convert(api.trim());
    } catch (picocli.CommandLine.TypeConversionException e) {
      throw new CommandFailure(ExitCode.BAD_INPUT, "--api: " + e.getMessage() + ", or off");
    }
    return ApiOptions.defaults().withListen(hp.host(), hp.port()).withToken(token);
  }

  private Level parseLevel() {
    if (level == null) {
      return timelineFile != null ? Level.PREVIEW : Level.META;
    }
    try {
      return Level.valueOf(level.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(ExitCode.BAD_INPUT, "--level: '" + level + "' is not one of counters, meta, preview");
    }
  }
}
