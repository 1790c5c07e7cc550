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

  WebSocket connect(String uri) {
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(proxy.port()).setURI(uri)).await();
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
