package io.wschaos.embed;

import static io.wschaos.embed.End.close;
import static io.wschaos.embed.Expect.reconnect;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.expect.Verdict;
import io.wschaos.testsupport.JdkClient;
import io.wschaos.timeline.Event;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java API on real sockets: the builtin feed server, the proxy, and JDK WebSocket clients. The
 * reconnect verdict is checked on a broken client (never reconnects: fails), a too-late one
 * (fails), and one that reconnects late but inside the tolerance (passes).
 */
@Timeout(60)
class WsChaosProxyTest {
  private static Feed feed;

  @BeforeAll
  static void startFeed() {
    feed = WsChaos.feed().rate(20).start();
  }

  @AfterAll
  static void stopFeed() {
    feed.close();
  }

  /**
   * within 1 s, tolerance 800 ms: reconnects up to 1.8 s after the close pass. The late client's
   * timer is 1.1 s; the rest of its delay (close delivery, connect, accept) took up to 0.26 s with
   * the whole suite running on two cores, so it has 0.7 s of margin; the too-late one waits 2.5 s.
   */
  private static WsChaosProxy proxy() {
    return WsChaos.proxy().upstream(feed.url()).tolerance(ofMillis(800), 0).verifyTimeout(ofSeconds(8)).start();
  }

  private static final Expect RECONNECT = reconnect().after(close(1001)).within(ofSeconds(1));
  private static final Fault RESTART = Fault.close(1001).to(Side.CLIENT).on(On.open(1)).after(ofMillis(300));

  @Test
  void aClientThatNeverReconnectsFailsReconnect() {
    try (WsChaosProxy proxy = proxy()) {
      proxy.faults().add("restart", RESTART); // before the client: on: {open: 1} counts from here
      try (JdkClient client = new JdkClient(proxy.url(), null, 5).start()) {
        proxy.await(Events.close().code(1001), ofSeconds(5));
        long t0 = System.nanoTime();
        Verdict v = proxy.verify(RECONNECT);
        assertEquals(Verdict.Status.FAIL, v.status(), v::sentence);
        assertTrue(v.isFinal());
        assertTrue(v.sentence().contains("none came"), v::sentence);
        assertFalse(v.evidence().isEmpty());
        // it failed when the bound ran out, not at the verify timeout
        assertTrue(System.nanoTime() - t0 < ofSeconds(5).toNanos(), "verify waited for the bound, not the timeout");
      }
    }
  }

  @Test
  void aClientThatReconnectsLateButInsideTheTolerancePasses() {
    try (WsChaosProxy proxy = proxy()) {
      proxy.faults().add("restart", RESTART); // before the client: on: {open: 1} counts from here
      try (JdkClient client = new JdkClient(proxy.url(), ofMillis(1_100), 2).start()) {
        proxy.await(Events.open().nth(2), ofSeconds(8));
        Verdict v = proxy.verify(RECONNECT);
        assertEquals(Verdict.Status.PASS, v.status(), v::sentence);
        assertTrue(v.sentence().contains("within 1 s (±0.8 s)"), v::sentence); // the bound with its tolerance
        WsChaosAssertions.assertThat(proxy).satisfies(RECONNECT);
      }
    }
  }

  @Test
  void aClientThatReconnectsPastTheToleranceFailsWithTheTimelineInTheMessage() {
    try (WsChaosProxy proxy = proxy()) {
      proxy.faults().add("restart", RESTART); // before the client: on: {open: 1} counts from here
      try (JdkClient client = new JdkClient(proxy.url(), ofMillis(2_500), 2).start()) {
        AssertionError e = assertThrows(AssertionError.class, () -> WsChaosAssertions.assertThat(proxy).satisfies(RECONNECT));
        String m = e.getMessage();
        assertTrue(m.contains("expected {reconnect: {after: {close: 1001}, within: 1s}}"), m);
        assertTrue(m.contains("verdict: fail"), m);
        assertTrue(m.contains("\"kind\":\"close\""), m);
        assertTrue(m.contains("*"), m); // evidence marked
        WsChaosAssertions.assertThat(proxy).doesNotSatisfy(RECONNECT);
      }
    }
  }

  @Test
  void faultsFromYamlAreCheckedByTheScenarioParserWithLocatedErrors() {
    try (WsChaosProxy proxy = proxy()) {
      ConfigException bad = assertThrows(ConfigException.class, () -> proxy.faults().add("{close: {code: 999}}"));
      assertTrue(bad.getMessage().startsWith("fault.close.code: 999 is not a valid close code"), bad.getMessage());
      ConfigException syntax = assertThrows(ConfigException.class, () -> proxy.faults().add("{close: {code: 1001}"));
      assertTrue(syntax.getMessage().matches("(?s)fault:\\d+:\\d+: .*"), syntax.getMessage());
      ConfigException unknown = assertThrows(ConfigException.class, () -> proxy.faults().add(Fault.close(1001).param("cod", 3)));
      assertTrue(unknown.getMessage().contains("fault.close.cod"), unknown.getMessage());
      ConfigException expect = assertThrows(ConfigException.class, () -> proxy.verify(reconnect()));
      assertTrue(expect.getMessage().contains("expect.reconnect.within"), expect.getMessage());

      String id = proxy.faults().add("{delay: {to: client, by: 200ms}}");
      assertEquals("f1", id);
      assertEquals("f2", proxy.faults().add(Fault.delay(Side.SERVER, ofMillis(10))));
      assertThrows(ConfigException.class, () -> proxy.faults().add("f1", Fault.abort()));
      assertEquals(2, proxy.faults().list().size());
      assertTrue(proxy.faults().remove("f1"));
      assertFalse(proxy.faults().remove("f1"));
      proxy.reset();
      assertEquals(0, proxy.faults().list().size());
    }
  }

  @Test
  void aDelayFromJavaDelaysAndLandsOnTheTimeline(@TempDir Path dir) throws Exception {
    try (WsChaosProxy proxy = proxy(); JdkClient client = new JdkClient(proxy.url(), null, 1).start()) {
      proxy.await(Events.message(Side.CLIENT).nth(3), ofSeconds(5));
      assertEquals(1, proxy.links().size());
      String id = proxy.faults().add(Fault.delay(Side.CLIENT, ofMillis(150)).lasting(ofSeconds(5)));
      Event touched = proxy.await(Events.fault(id), ofSeconds(5));
      assertEquals("fault", touched.kind());
      Path html = proxy.writeReport(dir, "delay");
      assertTrue(Files.readString(html).contains("<html"), "an HTML page");
      assertTrue(Files.readString(dir.resolve("delay.jsonl")).contains("\"kind\":\"fault\""));
    }
  }

  @Test
  void declaredMessagesAreWhatExpectationsNameAndABadBlockIsLocated() {
    Expect delivered = Expect.parse("delivered: {to: client, seq: seq, lost: 0}");
    try (WsChaosProxy declared = WsChaos.proxy().upstream(feed.url()).messages("{seq: {to: client, match: {type: data}, field: /seq}}").start();
        WsChaosProxy bare = WsChaos.proxy().upstream(feed.url()).verifyTimeout(ofMillis(500)).start();
        JdkClient a = new JdkClient(declared.url(), null, 1).start();
        JdkClient b = new JdkClient(bare.url(), null, 1).start()) {
      declared.await(Events.message(Side.CLIENT).nth(5), ofSeconds(10));
      bare.await(Events.message(Side.CLIENT).nth(5), ofSeconds(10));
      Verdict v = declared.verify(delivered);
      assertEquals(Verdict.Status.PASS, v.status(), v::sentence);
      Verdict undeclared = bare.verify(delivered);
      assertFalse(undeclared.passed(), undeclared::sentence);
    }
    ConfigException e = assertThrows(ConfigException.class,
        () -> WsChaos.proxy().upstream(feed.url()).messages("{seq: {to: client, field: seq}}"));
    assertEquals("messages:1:27: messages.seq.field: 'seq' is not a JSON pointer: it starts with /, e.g. /seq", e.getMessage());
  }

  @Test
  void awaitGivesUpWithTheTimelineSoFar() {
    try (WsChaosProxy proxy = proxy()) {
      AssertionError e = assertThrows(AssertionError.class, () -> proxy.await(Events.open().nth(2), Duration.ofMillis(200)));
      assertTrue(e.getMessage().contains("the 2nd open event"), e.getMessage());
    }
  }
}
