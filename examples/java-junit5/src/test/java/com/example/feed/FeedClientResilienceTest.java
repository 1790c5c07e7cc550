package com.example.feed;

import static io.wschaos.embed.End.close;
import static io.wschaos.embed.Expect.reconnect;
import static io.wschaos.embed.On.open;
import static io.wschaos.embed.Side.CLIENT;
import static io.wschaos.embed.WsChaosAssertions.assertThat;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.embed.Events;
import io.wschaos.embed.Expect;
import io.wschaos.embed.Fault;
import io.wschaos.embed.WsChaosProxy;
import io.wschaos.expect.Verdict;
import io.wschaos.junit5.WsChaos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The builtin feed server behind a wschaos proxy, one proxy per test: a server restart (close 1001)
 * one second into the first connection, and the client must be back within 3 s.
 */
@WsChaos(upstream = "builtin:feed")
class FeedClientResilienceTest {
  static final Fault RESTART = Fault.close(1001).to(CLIENT).on(open(1)).after(ofSeconds(1));
  static final Expect RECONNECTS = reconnect().after(close(1001)).within(ofSeconds(3));

  @Test
  void reconnectsAfterAServerRestart(WsChaosProxy proxy) {
    proxy.faults().add("restart", RESTART);
    try (FeedClient client = new FeedClient(proxy.url(), ofMillis(500)).connect()) {
      assertThat(proxy).satisfies(RECONNECTS);
    }
  }

  @Test
  void aClientWithoutReconnectLogicIsCaught(WsChaosProxy proxy) {
    proxy.faults().add("restart", RESTART);
    try (FeedClient client = new FeedClient(proxy.url(), null).connect()) {
      Verdict verdict = proxy.verify(RECONNECTS);
      assertEquals(Verdict.Status.FAIL, verdict.status(), verdict.sentence());
      assertTrue(verdict.sentence().startsWith("expected a reconnect within 3 s"), verdict.sentence());
    }
  }

  @Test
  void faultsCanBeWrittenAsInAScenarioFile(WsChaosProxy proxy) {
    proxy.faults().add("{delay: {to: client, by: 200ms}, for: 5s}");
    try (FeedClient client = new FeedClient(proxy.url(), ofMillis(500)).connect()) {
      proxy.await(Events.message(CLIENT).nth(5), ofSeconds(5));
      assertThat(proxy).satisfies(Expect.parse("events: {kind: fault, count: {min: 1}}"));
    }
  }

  /**
   * The failing-test report: run {@code mvn test -Dwschaos.demo=fail} to see the failure message
   * (verdict, sentence, timeline slice) and target/wschaos/FeedClientResilienceTest.failingTestReportDemo.html.
   */
  @Test
  @EnabledIfSystemProperty(named = "wschaos.demo", matches = "fail")
  void failingTestReportDemo(WsChaosProxy proxy) {
    proxy.faults().add("restart", RESTART);
    try (FeedClient client = new FeedClient(proxy.url(), null).connect()) {
      assertThat(proxy).satisfies(RECONNECTS);
    }
  }
}
