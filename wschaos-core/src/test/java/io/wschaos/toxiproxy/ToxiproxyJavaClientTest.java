package io.wschaos.toxiproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import eu.rekawek.toxiproxy.Proxy;
import eu.rekawek.toxiproxy.ToxiproxyClient;
import eu.rekawek.toxiproxy.model.ToxicDirection;
import eu.rekawek.toxiproxy.model.toxic.Latency;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Toxiproxy API driven by the real Toxiproxy Java client (eu.rekawek.toxiproxy:toxiproxy-java
 * 2.1.7), its calls unchanged: each toxic observed on a real WebSocket link (the JDK's client,
 * through the proxy, to a real Node {@code ws} echo server), then removed.
 */
class ToxiproxyJavaClientTest {
  private static ToxiRig rig;
  /** One client per test: the client remembers the proxies it made and refreshes them on reset. */
  private ToxiproxyClient client;
  private Proxy proxy;
  private WsProbe ws;

  @BeforeAll
  static void up() throws Exception {
    rig = new ToxiRig();
  }

  @AfterAll
  static void down() throws Exception {
    rig.close();
  }

  @BeforeEach
  void createProxy() throws Exception {
    client = new ToxiproxyClient("127.0.0.1", rig.api.port());
    proxy = client.createProxy("echo", "127.0.0.1:0", rig.upstreamAddress());
    ws = WsProbe.open(rig.port("echo"));
    assertTrue(ws.roundTrip("warm-up", 5000) < 5000);
  }

  @AfterEach
  void deleteProxy() throws Exception {
    if (ws != null) {
      ws.close();
    }
    client.reset();
    for (Proxy p : client.getProxies()) {
      p.delete();
    }
  }

  private static String faultActions(String faultPrefix) {
    return rig.events().stream().filter(e -> e.body() instanceof EventBody.Fault f && f.fault().startsWith(faultPrefix) && !f.action().equals("started") && !f.action().equals("stopped"))
        .map(e -> ((EventBody.Fault) e.body()).action()).distinct().sorted().collect(Collectors.joining(","));
  }

  @Test
  void proxiesAreCreatedListedShownDisabledEnabledAndDeleted() throws Exception {
    assertEquals("2.12.0-wschaos", client.version().trim().replaceAll(".*\"version\": \"([^\"]*)\".*", "$1"));
    assertTrue(proxy.getListen().matches("127\\.0\\.0\\.1:\\d+") && !proxy.getListen().endsWith(":0"), "listen shows the bound port: " + proxy.getListen());
    assertEquals(rig.upstreamAddress(), proxy.getUpstream());
    assertTrue(proxy.isEnabled());
    assertEquals(List.of("echo"), client.getProxies().stream().map(Proxy::getName).toList());
    assertEquals(proxy.getListen(), client.getProxy("echo").getListen());
    IOException dup = assertThrows(IOException.class, () -> client.createProxy("echo", "127.0.0.1:0", rig.upstreamAddress()));
    assertTrue(dup.getMessage().contains("409") && dup.getMessage().contains("proxy already exists"), dup.getMessage());

    proxy.setUpstream(rig.upstreamAddress()); // unchanged: the proxy keeps running, links and all
    proxy.setListen(proxy.getListen());
    ws.roundTrip("still up", 5000);

    proxy.disable(); // closes the listener and cuts the link with no close frame, as Toxiproxy does
    assertEquals("1006", ws.endedWithin(5000), "the client's link is cut");
    assertTrue(!client.getProxy("echo").isEnabled());
    int port = Integer.parseInt(proxy.getListen().substring(proxy.getListen().lastIndexOf(':') + 1));
    assertThrows(Exception.class, () -> WsProbe.open(port).close(), "nothing listens while disabled");
    proxy.enable();
    assertEquals(port, rig.port("echo"), "enabled again on the same address");
    try (WsProbe again = WsProbe.open(port)) {
      again.roundTrip("back", 5000);
    }
    proxy.delete();
    assertNull(client.getProxyOrNull("echo"));
    IOException missing = assertThrows(IOException.class, () -> client.getProxy("echo"));
    assertTrue(missing.getMessage().contains("404") && missing.getMessage().contains("proxy not found"), missing.getMessage());
    proxy = client.createProxy("echo", "127.0.0.1:0", rig.upstreamAddress()); // for the cleanup
  }

  @Test
  void latencyDelaysEveryMessageAndJitterAndRemovalTakeEffect() throws Exception {
    long before = ws.roundTrip("a", 5000);
    Latency latency = proxy.toxics().latency("lag", ToxicDirection.DOWNSTREAM, 400);
    assertEquals("lag", latency.getName());
    assertEquals(ToxicDirection.DOWNSTREAM, latency.getStream());
    long slow = ws.roundTrip("b", 5000);
    assertTrue(slow >= 380, "latency 400 ms: the echo took " + slow + " ms (before: " + before + ")");
    latency.setJitter(50);
    Latency shown = proxy.toxics().get("lag", Latency.class);
    assertEquals(400, shown.getLatency());
    assertEquals(50, shown.getJitter());
    assertTrue(ws.roundTrip("c", 5000) >= 330);
    latency.remove();
    assertTrue(proxy.toxics().getAll().isEmpty());
    long fast = ws.roundTrip("d", 5000);
    assertTrue(fast < 300, "removed: the echo took " + fast + " ms");
    assertEquals("delayed", faultActions("echo.lag"));
  }

  @Test
  void upstreamLatencyDelaysWhatGoesToTheServer() throws Exception {
    proxy.toxics().latency("up", ToxicDirection.UPSTREAM, 400);
    long slow = ws.roundTrip("x", 5000);
    assertTrue(slow >= 380, "the echo took " + slow + " ms");
    assertTrue(rig.events().stream().anyMatch(e -> e.body() instanceof EventBody.Fault f && f.fault().equals("echo.up") && f.to() == io.wschaos.frame.Direction.TO_SERVER));
  }

  @Test
  void toxicityZeroInjectsNothingAndToxicityOneEverything() throws Exception {
    Latency latency = proxy.toxics().latency("lag", ToxicDirection.DOWNSTREAM, 600);
    latency.setToxicity(0f);
    assertEquals(0f, proxy.toxics().get("lag").getToxicity());
    for (int i = 0; i < 5; i++) {
      long t = ws.roundTrip("t" + i, 5000);
      assertTrue(t < 400, "toxicity 0: the echo took " + t + " ms");
    }
    latency.setToxicity(1f);
    assertTrue(ws.roundTrip("late", 5000) >= 580);
  }

  @Test
  void bandwidthThrottlesTheLink() throws Exception {
    String chunk = "x".repeat(4000);
    long t0 = System.nanoTime();
    for (int i = 0; i < 4; i++) {
      ws.roundTrip(chunk, 5000);
    }
    long free = (System.nanoTime() - t0) / 1_000_000;
    proxy.toxics().bandwidth("slow", ToxicDirection.DOWNSTREAM, 8); // 8 KB/s
    t0 = System.nanoTime();
    for (int i = 0; i < 4; i++) {
      ws.roundTrip(chunk, 10_000);
    }
    long throttled = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(throttled >= 1200, "16000 bytes at 8000 B/s took " + throttled + " ms (unthrottled: " + free + " ms)");
    proxy.toxics().get("slow").remove();
  }

  @Test
  void slowCloseHoldsTheServersCloseBack() throws Exception {
    proxy.toxics().slowClose("lingering", ToxicDirection.DOWNSTREAM, 700);
    long t0 = System.nanoTime();
    ws.send("__close 4000 bye");
    String end = ws.endedWithin(5000);
    long took = (System.nanoTime() - t0) / 1_000_000;
    assertEquals("4000 bye", end);
    assertTrue(took >= 650, "the close came after " + took + " ms");
  }

  @Test
  void timeoutSwallowsDataThenCutsTheLink() throws Exception {
    proxy.toxics().timeout("cut", ToxicDirection.DOWNSTREAM, 800);
    long t0 = System.nanoTime();
    ws.send("lost");
    assertNull(ws.next(400), "nothing arrives");
    assertEquals("1006", ws.endedWithin(5000), "then the link dies without a close frame");
    long took = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(took >= 700, "cut after " + took + " ms");
  }

  @Test
  void timeoutZeroBlackholesUntilRemovedAndRemovalCutsTheLink() throws Exception {
    proxy.toxics().timeout("hole", ToxicDirection.DOWNSTREAM, 0);
    ws.send("lost");
    assertNull(ws.next(1200), "nothing arrives");
    assertNull(ws.endedWithin(10), "the link stays open: half-open");
    proxy.toxics().get("hole").remove(); // Toxiproxy's timeout closes its connections on removal
    assertEquals("1006", ws.endedWithin(5000));
  }

  @Test
  void resetPeerResetsOpenLinksAndNewOnes() throws Exception {
    proxy.toxics().resetPeer("rst", ToxicDirection.DOWNSTREAM, 0);
    assertEquals("1006", ws.endedWithin(5000));
    String second;
    try (WsProbe again = WsProbe.open(rig.port("echo"))) {
      second = again.endedWithin(5000);
    } catch (Exception refusedAtTheHandshake) {
      second = "1006"; // reset before the 101
    }
    assertEquals("1006", second);
    assertTrue(rig.events().stream().anyMatch(e -> e.body() instanceof EventBody.Abort a && "reset".equals(a.mode()) && a.fault() != null && a.fault().startsWith("echo.rst")));
  }

  @Test
  void resetPeerWithATimeoutWaitsThatLong() throws Exception {
    long t0 = System.nanoTime();
    proxy.toxics().resetPeer("rst", ToxicDirection.UPSTREAM, 700);
    ws.roundTrip("still here", 600);
    assertEquals("1006", ws.endedWithin(5000));
    long took = (System.nanoTime() - t0) / 1_000_000;
    assertTrue(took >= 650, "reset after " + took + " ms");
  }

  @Test
  void limitDataCutsTheLinkOnceTheBudgetIsSpent() throws Exception {
    proxy.toxics().limitData("budget", ToxicDirection.DOWNSTREAM, 10);
    ws.roundTrip("hello", 5000); // 5 of 10 bytes
    ws.send("world!"); // would make 11
    assertNull(ws.next(500), "the message crossing the budget is not delivered");
    assertEquals("1006", ws.endedWithin(5000), "and the link is cut");
  }

  @Test
  void slicerFragmentsMessages() throws Exception {
    proxy.toxics().slicer("bits", ToxicDirection.DOWNSTREAM, 4, 0);
    ws.send("abcdefghij");
    List<WsProbe.Got> parts = new java.util.ArrayList<>();
    for (int i = 0; i < 10; i++) {
      WsProbe.Got g = ws.received().poll(5, java.util.concurrent.TimeUnit.SECONDS);
      assertNotNull(g);
      parts.add(g);
      if (g.last()) {
        break;
      }
    }
    assertEquals("abcdefghij", parts.stream().map(WsProbe.Got::text).collect(Collectors.joining()));
    assertTrue(parts.size() >= 3, "10 bytes in frames of at most 4: " + parts);
    assertEquals("fragmented", faultActions("echo.bits"));
  }

  @Test
  void resetRemovesEveryToxicAndEnablesEveryProxy() throws Exception {
    proxy.toxics().latency("lag", ToxicDirection.DOWNSTREAM, 500);
    Proxy other = client.createProxy("other", "127.0.0.1:0", rig.upstreamAddress());
    other.disable();
    client.reset();
    assertTrue(client.getProxy("other").isEnabled());
    assertTrue(proxy.toxics().getAll().isEmpty());
    assertTrue(ws.roundTrip("quick", 5000) < 400);
  }

  @Test
  void twoProxiesShareOneTimelineWithDistinctLinkNumbers() throws Exception {
    client.createProxy("second", "127.0.0.1:0", rig.upstreamAddress());
    try (WsProbe b = WsProbe.open(rig.port("second"))) {
      b.roundTrip("from b", 5000);
    }
    List<Integer> attempts = rig.events().stream().filter(e -> e.body() instanceof EventBody.Attempt).map(Event::link).toList();
    assertEquals(Set.copyOf(attempts).size(), attempts.size(), "link numbers are unique across proxies: " + attempts);
  }
}
