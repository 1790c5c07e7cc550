package io.wschaos.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.fault.builtin.BlackholeFault;
import io.wschaos.fault.builtin.CloseFault;
import io.wschaos.fault.builtin.IdleTimeoutFault;
import io.wschaos.fault.builtin.RejectHandshakeFault;
import io.wschaos.fault.builtin.ServerDownFault;
import io.wschaos.frame.Direction;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every preset, written in YAML, expands into link and listener faults with valid parameters. */
class PresetExpansionTest {
  private static List<String> idsAndNames(List<FaultSpec> specs) {
    return specs.stream().map(s -> s.id() + " " + s.name()).toList();
  }

  @Test
  void nginxIdleTimeoutIsAnIdleTimeoutCutWithAFin() {
    List<FaultSpec> specs = YamlFaults.specs("{id: nginx, at: 0s, nginx_idle_timeout: {}}");
    assertEquals(List.of("nginx.1 idle_timeout"), idsAndNames(specs));
    assertEquals("nginx_idle_timeout", specs.get(0).preset());
    assertParams(specs.get(0), new IdleTimeoutFault.Params(Duration.ofSeconds(60), IdleTimeoutFault.Counts.ALL, "abort fin"));
    List<FaultSpec> shorter = YamlFaults.specs("{id: nginx, nginx_idle_timeout: {idle: 500ms}}");
    assertParams(shorter.get(0), new IdleTimeoutFault.Params(Duration.ofMillis(500), null, null));
  }

  @Test
  void rollingRestartClosesTheClientThenResetsConnectionsForTheWindow() {
    List<FaultSpec> specs = YamlFaults.specs("{id: deploy, on: {open: 1}, after: 1s, rolling_restart: {code: 1012, down_for: 3s}}");
    assertEquals(List.of("deploy.1 close", "deploy.2 server_down"), idsAndNames(specs));
    assertParams(specs.get(0), new CloseFault.Params(1012, "server restart", io.wschaos.fault.Target.CLIENT));
    assertParams(specs.get(1), new ServerDownFault.Params(ServerDownFault.Mode.RESET, null, null));
    assertNull(specs.get(0).trigger().duration(), "the close is one-shot");
    assertEquals(Duration.ofSeconds(3), specs.get(1).trigger().duration(), "the window lasts down_for");
    assertEquals(Duration.ofSeconds(1), specs.get(1).trigger().after(), "both start together");
    List<FaultSpec> byDefault = YamlFaults.specs("{id: r, rolling_restart: {}}");
    assertParams(byDefault.get(0), new CloseFault.Params(1001, "server restart", io.wschaos.fault.Target.CLIENT));
    assertEquals(Duration.ofSeconds(2), byDefault.get(1).trigger().duration());
    assertTrue(YamlFaults.problems("{rolling_restart: {code: 1000}}").contains("rolling_restart.code: 1000 is not a restart code (1001 or 1012)"));
  }

  @Test
  void lbHalfOpenBlackholesBothWaysThenAbortsWithAFin() {
    List<FaultSpec> specs = YamlFaults.specs("{id: lb, for: 5s, lb_half_open: {}}");
    assertEquals(List.of("lb.1 blackhole"), idsAndNames(specs));
    assertParams(specs.get(0), new BlackholeFault.Params(io.wschaos.fault.Target.BOTH, BlackholeFault.Control.SWALLOW, "abort fin"));
    assertEquals(Set.of(Direction.TO_SERVER, Direction.TO_CLIENT), specs.get(0).fault().directions());
    assertEquals(Duration.ofSeconds(5), specs.get(0).trigger().duration());
  }

  @Test
  void mobileHandoverBlackholesBothWaysThenResets() {
    List<FaultSpec> specs = YamlFaults.specs("{id: handover, for: 2s, mobile_handover: {}}");
    assertEquals(List.of("handover.1 blackhole"), idsAndNames(specs));
    assertParams(specs.get(0), new BlackholeFault.Params(io.wschaos.fault.Target.BOTH, null, "abort reset"));
  }

  @Test
  void deploy503RejectsHandshakesWith503AndRetryAfter() {
    List<FaultSpec> specs = YamlFaults.specs("{id: d, for: 4s, deploy_503: {retry_after: 3}}");
    assertEquals(List.of("d.1 reject_handshake"), idsAndNames(specs));
    HandshakeAction.Reject r =
        (HandshakeAction.Reject) specs.get(0).fault().listener(new StageHarness("reject_handshake")).onHandshake(RejectHandshakeFaultTest.attempt(1));
    assertEquals(503, r.status());
    assertEquals(Map.of("Retry-After", List.of("3")), r.headers());
    assertEquals("deploy in progress", r.body());
    assertEquals("d.1", specs.get(0).id());
    RejectHandshakeFault byDefault = (RejectHandshakeFault) YamlFaults.specs("{deploy_503: {}}").get(0).fault();
    HandshakeAction.Reject r5 = (HandshakeAction.Reject) byDefault.listener(new StageHarness("x")).onHandshake(RejectHandshakeFaultTest.attempt(1));
    assertEquals(List.of("5"), r5.headers().get("Retry-After"));
  }

  @Test
  void everyPresetBindsWithItsDefaults() {
    for (String name : Presets.names()) {
      List<FaultSpec> specs = YamlFaults.specs("{id: p, " + name + ": {}}");
      assertTrue(!specs.isEmpty(), name);
      for (int i = 0; i < specs.size(); i++) {
        assertEquals("p." + (i + 1), specs.get(i).id());
        assertEquals(name, specs.get(i).preset());
      }
    }
  }

  /** The spec's fault was bound from exactly these parameters. */
  private static void assertParams(FaultSpec spec, Record expected) {
    assertEquals(expected, paramsOf(spec.fault()), spec.id());
  }

  private static Object paramsOf(Fault f) {
    try {
      var field = f.getClass().getDeclaredField("p");
      field.setAccessible(true);
      return field.get(f);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(f.getClass() + " keeps its params in a field named p", e);
    }
  }
}
