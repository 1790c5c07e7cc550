package io.wschaos.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.wschaos.fault.FaultEntryParser;
import io.wschaos.fault.builtin.BuiltinFaults;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One proxy, one client-facing port per logical client: links are tagged with the port's instance. */
class ProxyInstancesTest {
  Vertx vertx;
  EchoUpstream upstream;
  Timeline timeline;
  WebSocketClient client;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    upstream = EchoUpstream.start(vertx).await();
    timeline = new Timeline(Level.META);
    client = vertx.createWebSocketClient();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private ProxyServer proxy(int instances) {
    ProxyOptions o = ProxyOptions.of(URI.create("ws://127.0.0.1:" + upstream.port())).withInstances(instances);
    return ProxyServer.start(vertx, o, timeline).await();
  }

  private void connect(int port) {
    client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/")).await();
  }

  @Test
  void eachInstanceGetsItsOwnPortAndItsLinksCarryItsClientNumber() throws Exception {
    ProxyServer proxy = proxy(3);
    Set<Integer> ports = new TreeSet<>(List.of(proxy.port(1), proxy.port(2), proxy.port(3)));
    assertEquals(3, ports.size(), "three distinct ports: " + ports);
    assertEquals(proxy.port(1), proxy.port(), "port() is instance 1's");
    assertThrows(IllegalArgumentException.class, () -> proxy.port(4));
    connect(proxy.port(3));
    connect(proxy.port(1));
    connect(proxy.port(2));
    eventually(() -> opens().size() == 3, "three opens");
    assertEquals(List.of(3, 1, 2), attempts().stream().map(Event::client).toList(), "attempts in order, by the port they came to");
    assertEquals(Set.of(1, 2, 3), Set.copyOf(opens().stream().map(Event::client).toList()));
  }

  @Test
  void proxyModeHasOneUntaggedListener() {
    ProxyServer proxy = proxy(0);
    assertEquals(proxy.port(), proxy.port(1));
    assertThrows(IllegalArgumentException.class, () -> proxy.port(2));
    connect(proxy.port());
    assertEquals(List.of(0), attempts().stream().map(Event::client).toList());
  }

  @Test
  void severalInstancesNeedFreePorts() {
    URI up = URI.create("ws://127.0.0.1:1");
    assertThrows(IllegalArgumentException.class, () -> ProxyOptions.of(up).withListen("127.0.0.1", 8080).withInstances(2));
  }

  @Test
  void serverDownRefuseClosesEveryListenerAndRebindsEachOnItsPort() throws Exception {
    ProxyServer proxy = proxy(2);
    int p1 = proxy.port(1);
    int p2 = proxy.port(2);
    FaultEntryParser parser = new FaultEntryParser(BuiltinFaults.catalog());
    parser.parse(new ObjectMapper(new YAMLFactory()).readTree("{for: 600ms, server_down: {mode: refuse}}"), "fault", "f1")
        .forEach(proxy.faults()::add);
    eventually(() -> !accepts(p1) && !accepts(p2), "both ports refuse connections");
    eventually(() -> accepts(p1) && accepts(p2), "both ports are bound again when the fault ends");
    assertEquals(p1, proxy.port(1));
    assertEquals(p2, proxy.port(2));
    assertNotEquals(p1, p2);
    connect(p2);
    eventually(() -> opens().size() == 1, "an open after the rebind");
    assertEquals(2, opens().get(0).client(), "the rebound listener keeps its instance");
  }

  private List<Event> attempts() {
    return timeline.events().stream().filter(e -> e.body() instanceof EventBody.Attempt).toList();
  }

  private List<Event> opens() {
    return timeline.events().stream().filter(e -> e.body() instanceof EventBody.Open).toList();
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("waited 5 s for: " + what);
      }
      Thread.sleep(10);
    }
  }
}
