package io.wschaos.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AbortFaultTest {
  private static List<String> startOnALink(String yaml) {
    StageHarness h = new StageHarness("abort");
    FakeLink link = new FakeLink(h.clock);
    Fault f = YamlFaults.fault(yaml);
    assertTrue(f.oneShot(), "abort acts once");
    assertTrue(f.directions().isEmpty(), "abort touches no units");
    f.start(link, h);
    return link.calls;
  }

  @Test
  void byDefaultBothLegsAreReset() {
    assertEquals(List.of("abort client reset f1", "abort server reset f1"), startOnALink("abort: {}"));
    assertEquals(List.of("abort client reset f1", "abort server reset f1"), startOnALink("abort:"));
  }

  @Test
  void finToTheClientOnlyClosesTheServerLegWithGoingAway() {
    assertEquals(
        List.of("abort client fin f1", "close server 1001 closed by wschaos fault f1 f1"),
        startOnALink("abort: {mode: fin, to: client}"));
  }

  @Test
  void resetToTheServerOnlyClosesTheClientLegWithGoingAway() {
    assertEquals(
        List.of("close client 1001 closed by wschaos fault f1 f1", "abort server reset f1"),
        startOnALink("abort: {mode: reset, to: server}"));
  }

  @Test
  void paramsSayWhatIsAllowed() {
    assertEquals("faults[0].abort.mode: 'rst' is not allowed here (one of reset, fin)", YamlFaults.problems("abort: {mode: rst}"));
    assertEquals("faults[0].abort.to: 'upstream' is not allowed here (one of client, server, both)", YamlFaults.problems("abort: {to: upstream}"));
    assertTrue(YamlFaults.problems("abort: {code: 1000}").startsWith("faults[0].abort.code: unknown key 'code' (allowed: mode, to)"));
  }
}
