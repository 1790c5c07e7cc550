package io.wschaos.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RejectHandshakeFaultTest {
  static AttemptView attempt(int n) {
    return new AttemptView(n, 0, n, "/", null, Map.of());
  }

  @Test
  void everyHandshakeIsAnsweredWithTheStatusHeadersAndBodyAndRecorded() {
    StageHarness h = new StageHarness("reject_handshake");
    ListenerStage s = YamlFaults.fault("reject_handshake: {status: 429, headers: {Retry-After: 7, Set-Cookie: [a=1, b=2]}, body: slow down}").listener(h);
    assertEquals("f1", s.faultId());
    for (int i = 1; i <= 3; i++) {
      HandshakeAction.Reject r = (HandshakeAction.Reject) s.onHandshake(attempt(i));
      assertEquals(429, r.status());
      assertEquals(Map.of("Retry-After", List.of("7"), "Set-Cookie", List.of("a=1", "b=2")), r.headers());
      assertEquals(List.of("Retry-After", "Set-Cookie"), List.copyOf(r.headers().keySet()), "headers keep the order written");
      assertEquals("slow down", r.body());
      assertEquals("f1", r.faultId());
    }
    assertEquals(List.of("rejected", "rejected", "rejected"), h.actions());
    assertEquals("attempt 2: 429", h.recorded.get(1).detail());
    assertTrue(!s.resetsConnection() && !s.refusesConnections(), "the TCP connection is accepted; only the handshake fails");
  }

  @Test
  void countStopsAfterThatManyRejections() {
    StageHarness h = new StageHarness("reject_handshake");
    ListenerStage s = YamlFaults.fault("reject_handshake: {status: 503, count: 2}").listener(h);
    assertEquals(503, ((HandshakeAction.Reject) s.onHandshake(attempt(1))).status());
    assertEquals("", ((HandshakeAction.Reject) s.onHandshake(attempt(2))).body(), "the body defaults to empty");
    assertNull(s.onHandshake(attempt(3)), "the third handshake goes through");
    assertNull(s.onHandshake(attempt(4)));
    assertEquals(2, h.actions().size());
  }

  @Test
  void paramsSayWhatIsAllowed() {
    assertEquals("faults[0].reject_handshake.status: reject_handshake needs a status (400-599), e.g. 503", YamlFaults.problems("reject_handshake: {}"));
    assertEquals("faults[0].reject_handshake.status: 302 is not an error status (400-599)", YamlFaults.problems("reject_handshake: {status: 302}"));
    assertEquals("faults[0].reject_handshake.count: count is a number of rejections ≥ 1", YamlFaults.problems("reject_handshake: {status: 503, count: 0}"));
    assertEquals(
        "faults[0].reject_handshake.headers.X-A: a header value is a string or a number (or a list of them)",
        YamlFaults.problems("reject_handshake: {status: 503, headers: {X-A: {b: 1}}}"));
    assertEquals(
        "faults[0].reject_handshake.headers.Content-Length: Content-Length is set by the proxy from the body",
        YamlFaults.problems("reject_handshake: {status: 503, headers: {Content-Length: 3}}"));
    assertEquals("faults[0].reject_handshake.headers.bad name: 'bad name' is not a header name", YamlFaults.problems("reject_handshake: {status: 503, headers: {bad name: x}}"));
    assertTrue(YamlFaults.problems("reject_handshake: {status: 503, headers: [a]}").startsWith("faults[0].reject_handshake.headers: headers is a map"));
  }
}
