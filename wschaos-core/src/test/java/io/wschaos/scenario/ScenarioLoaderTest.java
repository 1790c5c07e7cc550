package io.wschaos.scenario;

import io.wschaos.spec.SpecException;
import io.wschaos.spec.Problem;
import io.wschaos.expect.Messages;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.wschaos.fault.Fault;
import io.wschaos.spec.Catalog;
import io.wschaos.fault.FaultSpec;
import io.wschaos.fault.Trigger;
import io.wschaos.frame.Direction;
import io.wschaos.spec.Tolerance;
import io.wschaos.testsupport.TestCatalogs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Valid scenario files load into the immutable model, with the defaults DESIGN.md and docs/scenarios.md state. */
class ScenarioLoaderTest {
  private static final Catalog<Fault> FAULTS = TestCatalogs.faults();
  private static final ScenarioLoader LOADER = new ScenarioLoader(FAULTS, TestCatalogs.expectations());
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String MINIMAL = """
      server: {builtin: feed}
      duration: 20s
      expect:
        - reconnect: {after: any, within: 3s}
      """;

  @Test
  void proxyUpstreamTimeoutIsADurationUpToADay() {
    Scenario s = LOADER.parse(MINIMAL + "proxy: {upstream_timeout: 2s}\n", "scenarios/hung.yaml");
    assertEquals(new ProxySpec(null, Duration.ofSeconds(2)), s.proxy());
    SpecException e = org.junit.jupiter.api.Assertions.assertThrows(SpecException.class,
        () -> LOADER.parse(MINIMAL + "proxy: {upstream_timeout: 25h}\n", "scenarios/hung.yaml"));
    assertEquals("scenarios/hung.yaml:5:27: proxy.upstream_timeout: '25h' is longer than the maximum, 24h", e.getMessage());
  }

  @Test
  void theDesignExampleLoadsIntoTheModel() throws Exception {
    Path file = Path.of("wschaos-core/src/test/resources/scenarios/valid/reconnect.yaml");
    Scenario s = LOADER.loadFile(file);

    assertEquals(file, s.file());
    assertEquals("reconnects-after-going-away", s.name());
    assertEquals("The server restarts with 1001; the client must come back within 3 s.", s.description());
    assertEquals(List.of("reconnect"), s.tags());
    assertEquals(42, s.seed());
    assertEquals(new ServerSpec("feed", Map.of(), null, null, null, null, null, Map.of()), s.server());
    assertEquals(new ClientSpec("node examples/clients/resilient.js", 1, false, null, Map.of()), s.client());
    assertEquals(new ProxySpec(null), s.proxy());
    assertEquals(Duration.ofSeconds(20), s.duration());
    assertEquals(Tolerance.DEFAULT, s.tolerance());

    Messages.Declaration clientSeq = s.messages().get("client_seq");
    assertEquals(Direction.TO_SERVER, clientSeq.to());
    assertEquals("/n", clientSeq.field());
    assertTrue(clientSeq.match().matches(JSON.readTree("{\"type\":\"tick\",\"n\":1}")), "matches a tick");
    assertFalse(clientSeq.match().matches(JSON.readTree("{\"type\":\"ack\"}")), "does not match an ack");
    assertNull(s.messages().clientId());

    assertEquals(List.of("restart", "f2", "f3"), s.faults().stream().map(FaultSpec::id).toList(), "an explicit id, then ids by position");
    assertEquals(List.of("close", "drop", "delay"), s.faults().stream().map(FaultSpec::name).toList());
    Trigger restart = s.faults().get(0).trigger();
    assertEquals(new Trigger.OpenN(1), restart.on());
    assertEquals(Duration.ofSeconds(3), restart.after());
    assertEquals(new Trigger.OpenN(2), s.faults().get(1).trigger().on());
    Trigger delay = s.faults().get(2).trigger();
    assertEquals(Duration.ofSeconds(8), delay.at());
    assertEquals(Duration.ofSeconds(4), delay.duration());
    assertEquals(Trigger.LinkScope.ALL, delay.link(), "an at trigger touches all links");
    assertEquals(1001, s.faults().get(0).source().path("close").path("code").asInt(), "the entry as written is kept");

    assertEquals(List.of("reconnect", "delivered"), s.expectations().stream().map(ExpectationSpec::id).toList());
    assertEquals("client_seq", s.expectations().get(1).source().path("delivered").path("seq").asText());
  }

  @Test
  void whereTheFileIsSilentTheDefaultsApply() throws Exception {
    Scenario s = LOADER.parse(MINIMAL, "scenarios/baseline.yaml");

    assertEquals("baseline", s.name(), "the name defaults to the file name");
    assertEquals(sha256Seed("baseline"), s.seed(), "the seed derives from the name");
    assertTrue(s.seed() >= 0);
    assertEquals(1, s.client().instances());
    assertTrue(s.client().fromCommandLine(), "no client: wschaos run --client gives it");
    assertFalse(s.client().external());
    assertEquals(Tolerance.DEFAULT, s.tolerance());
    assertEquals(Messages.NONE, s.messages());
    assertEquals(List.of(), s.faults());
    assertEquals(List.of(), s.tags());
    assertNull(s.description());
  }

  @Test
  void twoScenariosWithoutSeedsGetDifferentStableSeeds() {
    long a = LOADER.parse(MINIMAL, "a.yaml").seed();
    assertEquals(a, LOADER.parse(MINIMAL, "a.yaml").seed(), "stable");
    assertTrue(a != LOADER.parse(MINIMAL, "b.yaml").seed(), "different per name");
  }

  @Test
  void aCommandServerGetsItsDefaults() {
    Scenario s = LOADER.parse(MINIMAL.replace("{builtin: feed}", "{command: node server.js, env: {LOG: debug, WORKERS: 2}}"), "cmd.yaml");
    assertEquals(new ServerSpec(null, Map.of(), null, "node server.js", null, Duration.ofSeconds(10), "/", Map.of("LOG", "debug", "WORKERS", "2")), s.server());
  }

  @Test
  void anExternalClientWaitsSixtySecondsByDefault() {
    Scenario s = LOADER.parse(MINIMAL + "client: {external: true, instances: 3}\n", "ext.yaml");
    assertEquals(new ClientSpec(null, 3, true, Duration.ofSeconds(60), Map.of()), s.client());
  }

  @Test
  void toleranceIsOneDurationOrAbsoluteAndRelative() {
    assertEquals(new Tolerance(Duration.ofMillis(50), 0), LOADER.parse(MINIMAL + "tolerance: 50ms\n", "t.yaml").tolerance(), "one duration: exactly that much slack");
    assertEquals(new Tolerance(Duration.ofMillis(200), 0.1), LOADER.parse(MINIMAL + "tolerance: {absolute: 200ms, relative: 0.1}\n", "t.yaml").tolerance());
    assertEquals(new Tolerance(Duration.ofMillis(100), 0.2), LOADER.parse(MINIMAL + "tolerance: {relative: 0.2}\n", "t.yaml").tolerance(), "an absent half keeps its default");
  }

  @Test
  void repeatedExpectationsAreNumbered() {
    Scenario s = LOADER.parse(MINIMAL + """
          - delivered: {to: server}
          - reconnect: {after: {close: 1001}, within: 1s}
          - closes_cleanly
        """, "ids.yaml");
    assertEquals(List.of("reconnect#1", "delivered", "reconnect#2", "closes_cleanly"), s.expectations().stream().map(ExpectationSpec::id).toList());
  }

  @Test
  void aPresetExpandsIntoFaultsWithDottedIds() {
    Scenario s = LOADER.parse(MINIMAL + """
        faults:
          - id: deploy
            on: {open: 1}
            rolling_restart: {code: 1012, down_for: 3s}
        """, "preset.yaml");
    assertEquals(List.of("deploy.1", "deploy.2"), s.faults().stream().map(FaultSpec::id).toList());
    assertEquals(List.of("rolling_restart", "rolling_restart"), s.faults().stream().map(FaultSpec::preset).toList());
  }

  @Test
  void messageDeclarationsAndClientIdAreRead() {
    Scenario s = LOADER.parse(MINIMAL + """
        messages:
          seq: {to: client, match: {type: data}, field: /seq}
          heartbeat: {to: server, match: {type: ping}}
          client_id: {header: X-Client-Id}
        """, "messages.yaml");
    assertEquals(List.of("seq", "heartbeat"), List.copyOf(s.messages().declared().keySet()));
    assertNull(s.messages().get("heartbeat").field(), "a heartbeat has no number");
    assertEquals(new Messages.ClientId(null, "X-Client-Id", null, null), s.messages().clientId());
  }

  @Test
  void onlyTrueAndFalseAreBooleansSoYamlOneOneWordsStayText() {
    Scenario s = LOADER.parse(MINIMAL + """
        faults:
          - on: {open: 1}
            close: {code: 4000, reason: off}
        """, "yaml12.yaml");
    assertEquals("off", s.faults().get(0).source().path("close").path("reason").textValue());
  }

  @Test
  void proxyIdleTimeoutBecomesAnIdleTimeoutFaultForTheWholeRun() {
    Scenario s = LOADER.parse(MINIMAL + "proxy: {idle_timeout: 60s}\n", "idle.yaml");
    assertEquals(Duration.ofSeconds(60), s.proxy().idleTimeout());
    FaultSpec f = s.faults().get(s.faults().size() - 1);
    assertEquals("proxy.idle_timeout", f.id());
    assertEquals("idle_timeout", f.name());
    assertTrue(f.trigger().immediate(), "from the start");
    assertNull(f.trigger().duration(), "until the end");
    assertEquals("60s", f.source().path("idle_timeout").path("idle").asText());
  }


  @Test
  void parseThrowsEveryErrorInFileOrderWithTheGivenFileName() {
    SpecException e = assertThrows(SpecException.class, () -> LOADER.parse("server: {builtin: feed}\nduration: 2\n", "api.yaml"));
    assertEquals(List.of(
        "api.yaml:1:1: expect: missing: a scenario needs at least one expectation to judge, e.g. expect: [{reconnect: {after: any, within: 3s}}]",
        "api.yaml:2:11: duration: 2 is not a duration like 250ms, 2s, 1.5s, 1m (write the unit)"),
        e.problems().stream().map(Problem::toString).toList());
  }

  private static long sha256Seed(String name) throws Exception {
    byte[] h = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
    return java.nio.ByteBuffer.wrap(h, 0, 8).getLong() & Long.MAX_VALUE;
  }
}
