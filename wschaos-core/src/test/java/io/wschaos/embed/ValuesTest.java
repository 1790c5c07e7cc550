package io.wschaos.embed;

import static io.wschaos.embed.End.close;
import static io.wschaos.embed.End.closeRange;
import static io.wschaos.embed.Expect.noReconnect;
import static io.wschaos.embed.Expect.reconnect;
import static io.wschaos.embed.On.open;
import static io.wschaos.embed.Side.CLIENT;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Faults and expectations as values: the entries they stand for, and the catalogue's own checks and messages. */
class ValuesTest {
  @Test
  void faultsPrintTheEntryTheyStandFor() {
    assertEquals("{close: {code: 1001, to: client}, on: {open: 1}, after: 2s}",
        Fault.close(1001).to(CLIENT).on(open(1)).after(ofSeconds(2)).toString());
    assertEquals("{delay: {to: client, by: 200ms, jitter: 50ms}, for: 4s}",
        Fault.delay(CLIENT, ofMillis(200)).param("jitter", ofMillis(50)).lasting(ofSeconds(4)).toString());
    assertEquals("{\"drop\":{\"to\":\"client\",\"first\":3},\"on\":{\"open\":2}}",
        Fault.parse("{drop: {to: client, first: 3}, on: {open: 2}}").toJson());
    Fault base = Fault.close(1000);
    base.reason("bye");
    assertEquals("{close: {code: 1000}}", base.toString(), "values are immutable");
  }

  @Test
  void expectationsAreBoundAndCheckedByTheCatalogue() {
    assertEquals("{reconnect: {after: {close: 1001}, within: 3s}}", reconnect().after(close(1001)).within(ofSeconds(3)).toString());
    noReconnect().after(closeRange(4000, 4999)).lasting(ofSeconds(4)).check();
    reconnect().after(close(1001, 1012)).within(ofSeconds(3)).check();
    reconnect().after(End.abort()).within(ofSeconds(3)).check();
    reconnect().after(End.fault("restart")).within(ofSeconds(3)).check();
    Expect.of("backoff", Map.of("attempts", 4, "initial", Map.of("min", ofMillis(100)))).check();
    Expect.parse("delivered: {to: server, seq: {match: {type: tick}, field: /n}, lost: 0}").check();
    Expect.maxAttempts(5, ofSeconds(10)).check();
    Expect.heartbeat(ofSeconds(5)).check();
  }

  @Test
  void badValuesGetTheScenarioFilesLocatedMessages() {
    ConfigException within = assertThrows(ConfigException.class, () -> reconnect().check());
    assertEquals("expect.reconnect.within: reconnect needs within: the longest allowed delay, e.g. 3s", within.getMessage());
    ConfigException code = assertThrows(ConfigException.class, () -> reconnect().after(close(999)).within(ofSeconds(1)).check());
    assertEquals(true, code.getMessage().startsWith("expect.reconnect.after.close: "), code.getMessage());
    ConfigException unknown = assertThrows(ConfigException.class, () -> Expect.parse("reconect: {within: 3s}").check());
    assertEquals(true, unknown.getMessage().contains("unknown expectation 'reconect'"), unknown.getMessage());
    ConfigException syntax = assertThrows(ConfigException.class, () -> Fault.parse("{close: {code: 1001}"));
    assertEquals(true, syntax.getMessage().startsWith("fault:1:"), syntax.getMessage());
  }
}
