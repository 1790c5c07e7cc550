package io.wschaos.proxy;

import static io.wschaos.proxy.Waits.WAIT;
import static io.wschaos.proxy.Waits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Frame;
import io.wschaos.fault.FrameStage;
import io.wschaos.fault.StageOutput;
import io.wschaos.fault.Unit;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The seam faults plug into: each link has a {@code DirectionPipeline} per direction, and a
 * {@link FrameStage} installed on a live link sees that direction's frames (as whole messages), in
 * order, without the peers noticing — fragmentation included; removed again, it sees nothing more.
 */
@Timeout(10)
class PipelineSeamTest {
  private Vertx vertx;
  private EchoUpstream upstream;
  private ProxyServer proxy;
  private WebSocketClient client; // a field: Vert.x 5 disposes of unreachable clients

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    upstream = await(EchoUpstream.start(vertx));
    proxy = await(ProxyServer.start(vertx, ProxyOptions.of(URI.create("ws://127.0.0.1:" + upstream.port())),
        new Timeline(Level.META)));
    client = vertx.createWebSocketClient();
  }

  @AfterEach
  void stop() {
    try {
      LinkLedger.assertEveryLinkEnded(proxy);
    } finally {
      await(proxy.close());
      await(vertx.close());
    }
  }

  /** A pass-through stage that writes down every frame it hands on. */
  private static final class Recorder implements FrameStage {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Override
    public void onUnit(Unit unit, StageOutput next) {
      for (Frame frame : unit.frames()) {
        if (!frame.opcode().isControl()) {
          seen.add(frame.opcode().wire() + (frame.fin() ? "(fin) " : "(more) ") + new String(frame.payload(), StandardCharsets.UTF_8));
        }
      }
      next.emit(unit);
    }
  }

  /** Runs {@code task} on the link's event loop, where pipelines change, and waits for it. */
  private static void onLoop(Link link, Runnable task) {
    java.util.concurrent.CompletableFuture<Void> done = new java.util.concurrent.CompletableFuture<>();
    link.execute(() -> {
      task.run();
      done.complete(null);
    });
    done.join();
  }

  @Test
  void aStageOnALiveLinkSeesEveryFrameOfItsDirectionInOrderUntilRemoved() {
    WebSocket ws = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(proxy.port()).setURI("/")));
    List<String> atClient = new CopyOnWriteArrayList<>();
    ws.frameHandler(f -> {
      if (f.isText() || f.isBinary() || f.isContinuation()) {
        atClient.add(f.type().name().toLowerCase() + (f.isFinal() ? "(fin) " : "(more) ") + f.binaryData().toString(StandardCharsets.UTF_8));
      }
    });
    List<String> before = sendBatch(ws, "before", atClient);

    Waits.until(() -> proxy.link(1) != null, WAIT, () -> "link 1 registered");
    Link link = proxy.link(1);
    assertSame(Direction.TO_SERVER, link.pipeline(Direction.TO_SERVER).direction());
    assertSame(Direction.TO_CLIENT, link.pipeline(Direction.TO_CLIENT).direction());
    Recorder toServer = new Recorder();
    Recorder toClient = new Recorder();
    onLoop(link, () -> {
      link.pipeline(Direction.TO_SERVER).add("recorder", 0, toServer);
      link.pipeline(Direction.TO_CLIENT).add("recorder", 0, toClient);
    });
    List<String> during = sendBatch(ws, "during", atClient);
    onLoop(link, () -> {
      link.pipeline(Direction.TO_SERVER).remove("recorder");
      link.pipeline(Direction.TO_CLIENT).remove("recorder");
    });
    assertTrue(link.pipeline(Direction.TO_SERVER).isPassThrough(), "no stage left toward the server");
    List<String> after = sendBatch(ws, "after", atClient);

    assertEquals(during, toServer.seen, "data frames the stage toward the server saw");
    assertEquals(during, toClient.seen, "data frames the stage toward the client saw (the echoes)");
    List<String> all = new ArrayList<>(before);
    all.addAll(during);
    all.addAll(after);
    List<String> atServer = upstream.frames.stream()
        .map(s -> s.type().name().toLowerCase() + (s.fin() ? "(fin) " : "(more) ") + new String(s.data(), StandardCharsets.UTF_8))
        .toList();
    assertEquals(all, atServer, "frames at the server, in order");
    assertEquals(all, atClient, "echoed frames at the client, in order");
    await(ws.close());
  }

  /**
   * Sends 50 text messages, a binary one and a text message in three frames, and waits for their
   * echoes; returns the frames sent, described as the stages, server and client describe them.
   */
  private static List<String> sendBatch(WebSocket ws, String name, List<String> atClient) {
    int echoedBefore = atClient.size();
    List<String> frames = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      ws.writeTextMessage(name + " " + i);
      frames.add("text(fin) " + name + " " + i);
    }
    ws.writeFrame(WebSocketFrame.binaryFrame(Buffer.buffer(name + " bytes"), true));
    frames.add("binary(fin) " + name + " bytes");
    ws.writeFrame(WebSocketFrame.textFrame(name + " α-", false));
    ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("β-"), false));
    ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("γ"), true));
    frames.addAll(List.of("text(more) " + name + " α-", "continuation(more) β-", "continuation(fin) γ"));
    int expected = echoedBefore + frames.size();
    Waits.until(() -> atClient.size() >= expected, WAIT, () -> name + ": " + atClient.size() + " of " + expected + " echoed frames");
    return frames;
  }
}
