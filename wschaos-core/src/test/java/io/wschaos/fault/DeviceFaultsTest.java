package io.wschaos.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.frame.BytesFrame;
import io.wschaos.frame.Direction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The device faults' own part, without a browser: what they ask of {@link DeviceControl} when they
 * start and end, what they do without one, and which links offline and sleep blackhole. What the
 * page sees is BrowserDeviceFaultsTest's (real Chromium).
 */
class DeviceFaultsTest {
  /** What the faults asked the browser for. */
  static final class Pages implements DeviceControl {
    final List<String> calls = new ArrayList<>();
    final int instances;

    Pages(int instances) {
      this.instances = instances;
    }

    @Override
    public int instances() {
      return instances;
    }

    @Override
    public void set(String faultId, String faultName, Condition condition, boolean on, int client, Map<String, Number> params) {
      calls.add(faultId + " " + faultName + " " + condition + " " + (on ? "on" : "off") + " client " + client + (params.isEmpty() ? "" : " " + new java.util.TreeMap<>(params)));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"offline: {}", "freeze: {}", "hidden: {}", "sleep: {}", "throttle_network: {}"})
  void everyDeviceFaultSaysSoAndNeedsABrowser(String yaml) {
    Fault f = YamlFaults.fault(yaml);
    String name = yaml.substring(0, yaml.indexOf(':'));
    assertTrue(f.device(), yaml);
    StageHarness h = new StageHarness(name);
    assertNull(f.listener(h), "without a browser there is nothing to act on");
    assertEquals(List.of(new StageHarness.Recorded("skipped", null, 0,
        "no browser client: " + name + " acts on a page in headless Chromium (client: {browser: …})")), h.recorded);
  }

  @Test
  void linkAndMessageFaultsAreNotDeviceFaults() {
    assertFalse(YamlFaults.fault("blackhole: {}").device());
    assertFalse(YamlFaults.fault("delay: {to: client, by: 1s}").device());
  }

  @Test
  void aDeviceFaultPutsItsConditionOnWhenItStartsAndOffWhenItEnds() {
    Pages pages = new Pages(2);
    StageHarness h = new StageHarness("freeze");
    ListenerStage l = YamlFaults.fault("freeze: {}").listener(new WithDevice(h, pages, 0));
    assertNotNull(l);
    assertEquals(List.of("f1 freeze FROZEN on client 0"), pages.calls, "client 0: every instance");
    l.onStop();
    assertEquals(List.of("f1 freeze FROZEN on client 0", "f1 freeze FROZEN off client 0"), pages.calls);
    assertFalse(l.resetsConnection() || l.refusesConnections());
    assertNull(l.onHandshake(null), "handshakes pass");
  }

  @Test
  void eachFaultNamesItsCondition() {
    Pages pages = new Pages(3);
    StageHarness h = new StageHarness("x");
    YamlFaults.fault("offline: {client: 2}").listener(new WithDevice(h, pages, 0));
    YamlFaults.fault("hidden: {client: 3}").listener(new WithDevice(h, pages, 0));
    YamlFaults.fault("sleep: {}").listener(new WithDevice(h, pages, 0));
    YamlFaults.fault("throttle_network: {}").listener(new WithDevice(h, pages, 0));
    YamlFaults.fault("throttle_network: {profile: fast_3g, upload: 1000}").listener(new WithDevice(h, pages, 0));
    assertEquals(List.of(
        "f1 x OFFLINE on client 2",
        "f1 x HIDDEN on client 3",
        "f1 x FROZEN on client 0",
        "f1 x THROTTLED on client 0 {download_bps=50000, latency_ms=2000, upload_bps=50000}",
        "f1 x THROTTLED on client 0 {download_bps=180000, latency_ms=563, upload_bps=1000}"), pages.calls);
  }

  @Test
  void anInstanceTheBrowserDoesNotHaveIsSkipped() {
    Pages pages = new Pages(2);
    StageHarness h = new StageHarness("hidden");
    assertNull(YamlFaults.fault("hidden: {client: 3}").listener(new WithDevice(h, pages, 0)));
    assertEquals(List.of(), pages.calls);
    assertEquals(List.of(new StageHarness.Recorded("skipped", null, 0, "no client instance 3 (the browser client has 2)")), h.recorded);
  }

  @Test
  void offlineAndSleepBlackholeTheLinksOfTheirClientOnly() {
    for (String yaml : List.of("offline: {client: 2}", "sleep: {client: 2}")) {
      Fault f = YamlFaults.fault(yaml);
      assertEquals(java.util.EnumSet.allOf(Direction.class), f.directions());
      StageHarness h = new StageHarness(yaml.substring(0, yaml.indexOf(':')));
      List<Unit> passed = new ArrayList<>();
      Unit u = Unit.of(Direction.TO_CLIENT, BytesFrame.text("{\"type\":\"data\"}"), 1, 0);
      f.stage(Direction.TO_CLIENT, new WithDevice(h, new Pages(2), 1)).onUnit(u, passed::add);
      assertEquals(List.of(u), passed, yaml + ": client 1's link passes");
      FrameStage mine = f.stage(Direction.TO_CLIENT, new WithDevice(h, new Pages(2), 2));
      mine.onUnit(u, passed::add);
      assertEquals(1, passed.size(), yaml + ": client 2's link swallows");
      assertTrue(mine.holdsLinkEnd(), "and lets no close through, like a blackhole");
      assertEquals(List.of("swallowed"), h.actions());
    }
  }

  @Test
  void paramsSayWhatIsAllowed() {
    assertEquals("faults[0].freeze.client: client is an instance number (1, 2…); leave it out for every instance", YamlFaults.problems("freeze: {client: 0}"));
    assertEquals("faults[0].throttle_network.download: 0 is not a rate (bytes per second ≥ 1)", YamlFaults.problems("throttle_network: {download: 0}"));
    assertTrue(YamlFaults.problems("sleep: {then: explode}").startsWith("faults[0].sleep.then: "), YamlFaults.problems("sleep: {then: explode}"));
    assertTrue(YamlFaults.problems("throttle_network: {profile: 5g}").contains("slow_3g, fast_3g"), YamlFaults.problems("throttle_network: {profile: 5g}"));
  }

  /** The harness's context with pages and a client number. */
  private record WithDevice(StageHarness h, DeviceControl pages, int client) implements FaultContext {
    public String faultId() {
      return h.faultId();
    }

    public String faultName() {
      return h.faultName();
    }

    public int link() {
      return client == 0 ? 0 : 1;
    }

    public Scheduler scheduler() {
      return h.scheduler();
    }

    public RandomGenerator random(Direction d) {
      return h.random(d);
    }

    public boolean chance(Direction d) {
      return h.chance(d);
    }

    public void record(String action, Direction d, long messageId, String detail) {
      h.record(action, d, messageId, detail);
    }

    public void held(Direction d, long delta) {
      h.held(d, delta);
    }

    public void holdBack(Direction d, boolean on) {
      h.holdBack(d, on);
    }

    public DeviceControl deviceControl() {
      return pages;
    }
  }
}
