package io.wschaos.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** close on its own: what it does to a link (the unit tier of docs/faults.md, close). */
class CloseFaultTest {
  private static List<String> startOnALink(String yaml) {
    StageHarness h = new StageHarness("close");
    FakeLink link = new FakeLink(h.clock);
    Fault f = YamlFaults.fault(yaml);
    assertTrue(f.oneShot(), "close acts once");
    assertTrue(f.directions().isEmpty(), "close touches no units");
    f.start(link, h);
    return link.calls;
  }

  @Test
  void byDefaultTheClientGetsTheCodeAndReasonAndTheServerGoingAway() {
    assertEquals(List.of("close client 4001 token expired f1", "close server 1001 closed by wschaos fault f1 f1"),
        startOnALink("close: {code: 4001, reason: token expired}"));
  }

  @Test
  void toServerOrBothSendsTheCodeThere() {
    assertEquals(List.of("close client 1001 closed by wschaos fault f1 f1", "close server 4000  f1"),
        startOnALink("close: {code: 4000, to: server}"));
    assertEquals(List.of("close client 1012 restart f1", "close server 1012 restart f1"),
        startOnALink("close: {code: 1012, reason: restart, to: both}"));
  }

  @Test
  void paramsSayWhatIsAllowed() {
    assertTrue(YamlFaults.problems("close: {}").startsWith("faults[0].close.code: close needs a code"), YamlFaults.problems("close: {}"));
    assertTrue(YamlFaults.problems("close: {code: 1005}").startsWith("faults[0].close.code: 1005 is not a valid close code"),
        YamlFaults.problems("close: {code: 1005}"));
    assertEquals("faults[0].close.reason: the reason is 124 bytes of UTF-8; at most 123 fit in a close frame",
        YamlFaults.problems("close: {code: 4000, reason: " + "é".repeat(62) + "}"));
    assertTrue(YamlFaults.problems("close: {code: 4000, to: upstream}").startsWith("faults[0].close.to: 'upstream' is not allowed here"),
        YamlFaults.problems("close: {code: 4000, to: upstream}"));
  }
}
