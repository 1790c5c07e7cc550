package io.wschaos.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.wschaos.fault.FaultEntryParser;
import io.wschaos.fault.FaultSpec;
import io.wschaos.fault.builtin.BuiltinFaults;
import io.wschaos.testsupport.TimelineRecorder;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.net.URI;
import java.util.List;

/**
 * A real-socket rig for fault tests: a Vert.x echo upstream, the proxy in front of it, and a Vert.x
 * client; faults are added the way a scenario or the control API adds them, from YAML text.
 */
final class FaultRig implements AutoCloseable {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final FaultEntryParser PARSER = new FaultEntryParser(BuiltinFaults.catalog());

  final Vertx vertx = Vertx.vertx();
  final Timeline timeline = new Timeline(Level.PREVIEW);
  final EchoUpstream upstream;
  final ProxyServer proxy;
  final WebSocketClient client;
  private int autoId;

  FaultRig() {
    this(0);
  }

  FaultRig(long seed) {
    upstream = EchoUpstream.start(vertx).await();
    proxy = ProxyServer.start(vertx, ProxyOptions.of(URI.create("ws://127.0.0.1:" + upstream.port())).withSeed(seed), timeline).await();
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxFrameSize(32 << 20).setMaxMessageSize(64 << 20));
  }

  /** Parses one fault entry written in YAML (e.g. {@code "delay: {to: client, by: 100ms}"}) and adds it. */
  List<FaultSpec> add(String yaml) {
    try {
      JsonNode node = YAML.readTree(yaml);
      List<FaultSpec> specs = PARSER.parse(node, "fault", "f" + ++autoId);
      specs.forEach(proxy.faults()::add);
      return specs;
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /**
   * Adds one fault entry and waits until each of its faults has started on a link (the fault starts
   * on the link's event loop, a moment after {@link #add}): its stages are in place there.
   */
  List<FaultSpec> addStarted(String yaml) {
    List<FaultSpec> specs = add(yaml);
    TimelineRecorder faults = recorder(EventBody.Fault.class);
    specs.forEach(s -> faults.awaitStarted(s.id(), Waits.WAIT));
    return specs;
  }

  /** A recorder of {@code kinds} on this rig's timeline, from its first event. */
  @SafeVarargs
  final TimelineRecorder recorder(Class<? extends EventBody>... kinds) {
    return TimelineRecorder.watching(timeline, kinds);
  }

  /**
   * Connects a client and waits until the proxy counts its link as live: the client may see the
   * 101 a moment before the proxy's event loop registers the link, and a fault added "at once"
   * acts only on live links.
   */
  WebSocket connect(String uri) {
    int before = opened;
    WebSocket ws = client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(proxy.port()).setURI(uri)).await();
    opened++;
    long deadline = System.currentTimeMillis() + 5000;
    while (countOpens() <= before && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    // The open is recorded in the task that also hands the link to the fault engine: let it finish.
    int link = timeline.events().stream().filter(e -> e.body() instanceof EventBody.Open).skip(before).findFirst().orElseThrow().link();
    java.util.concurrent.CompletableFuture<Void> settled = new java.util.concurrent.CompletableFuture<>();
    proxy.link(link).execute(() -> settled.complete(null));
    settled.join();
    return ws;
  }

  private int opened;

  private int countOpens() {
    return (int) timeline.events().stream().filter(e -> e.body() instanceof EventBody.Open).count();
  }

  /** The fault events recorded so far, as "id action" strings. */
  List<String> faultActions() {
    return timeline.events().stream()
        .filter(e -> e.body() instanceof EventBody.Fault)
        .map(e -> ((EventBody.Fault) e.body()).fault() + " " + ((EventBody.Fault) e.body()).action())
        .toList();
  }

  List<Event> events(Class<? extends EventBody> kind) {
    return timeline.events().stream().filter(e -> kind.isInstance(e.body())).toList();
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
