package io.wschaos.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerDownFaultTest {
  private final StageHarness h = new StageHarness("server_down");

  @Test
  void resetIsTheDefaultAndResetsEachAcceptedConnection() {
    ListenerStage s = YamlFaults.fault("server_down: {}").listener(h);
    assertTrue(s.resetsConnection());
    assertFalse(s.refusesConnections());
    assertNull(s.onHandshake(RejectHandshakeFaultTest.attempt(1)));
    assertEquals("f1", s.faultId());
  }

  @Test
  void refuseClosesTheListeningSocket() {
    ListenerStage s = YamlFaults.fault("server_down: {mode: refuse}").listener(h);
    assertTrue(s.refusesConnections());
    assertFalse(s.resetsConnection());
    assertNull(s.onHandshake(RejectHandshakeFaultTest.attempt(1)));
  }

  @Test
  void rejectAnswers503WithRetryAfter() {
    ListenerStage s = YamlFaults.fault("server_down: {mode: reject, retry_after: 9}").listener(h);
    assertFalse(s.resetsConnection() || s.refusesConnections());
    HandshakeAction.Reject r = (HandshakeAction.Reject) s.onHandshake(RejectHandshakeFaultTest.attempt(4));
    assertEquals(503, r.status());
    assertEquals(Map.of("Retry-After", List.of("9")), r.headers());
    assertEquals("f1", r.faultId());
    assertEquals(List.of("rejected"), h.actions());
    HandshakeAction.Reject byDefault = (HandshakeAction.Reject) YamlFaults.fault("server_down: {mode: reject}").listener(h).onHandshake(RejectHandshakeFaultTest.attempt(5));
    assertEquals(List.of("5"), byDefault.headers().get("Retry-After"));
  }

  private List<String> startOnALink(String yaml) {
    FakeLink link = new FakeLink(h.clock);
    YamlFaults.fault(yaml).start(link, h);
    return link.calls;
  }

  @Test
  void openLinksSurviveUnlessCloseLinksSaysOtherwise() {
    assertEquals(List.of(), startOnALink("server_down: {mode: refuse}"));
    assertEquals(List.of("abort client fin f1", "abort server fin f1"), startOnALink("server_down: {close_links: abort}"));
    assertEquals(List.of("abort client reset f1", "abort server reset f1"), startOnALink("server_down: {close_links: abort reset}"));
    assertEquals(
        List.of("close client 1012 server down f1", "close server 1001 closed by wschaos fault f1 f1"),
        startOnALink("server_down: {close_links: 1012}"));
  }

  @Test
  void paramsSayWhatIsAllowed() {
    assertEquals("faults[0].server_down.mode: 'crash' is not allowed here (one of reset, refuse, reject)", YamlFaults.problems("server_down: {mode: crash}"));
    assertEquals("faults[0].server_down.retry_after: retry_after goes with mode: reject", YamlFaults.problems("server_down: {retry_after: 3}"));
    assertEquals("faults[0].server_down.retry_after: retry_after is seconds ≥ 0", YamlFaults.problems("server_down: {mode: reject, retry_after: -1}"));
    assertEquals(
        "faults[0].server_down.close_links: 1006 is not a valid close code (1000-1014 except 1004-1006, or 3000-4999)",
        YamlFaults.problems("server_down: {close_links: 1006}"));
    assertEquals(
        "faults[0].server_down.close_links: 'later' is not allowed here (abort, abort fin, abort reset, close CODE)",
        YamlFaults.problems("server_down: {close_links: later}"));
  }
}
