package io.wschaos.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class SlowHandshakeFaultTest {
  @Test
  void everyHandshakeWaitsByBeforeItIsRelayed() {
    StageHarness h = new StageHarness("slow_handshake");
    ListenerStage s = YamlFaults.fault("slow_handshake: {by: 1.5s}").listener(h);
    assertEquals(new HandshakeAction.Delay(1_500_000, "f1"), s.onHandshake(RejectHandshakeFaultTest.attempt(1)));
    assertEquals(new HandshakeAction.Delay(1_500_000, "f1"), s.onHandshake(RejectHandshakeFaultTest.attempt(2)));
    assertEquals(List.of("delayed", "delayed"), h.actions());
    assertEquals("attempt 2 by 1500ms", h.recorded.get(1).detail());
  }

  @Test
  void paramsSayWhatIsAllowed() {
    assertEquals("faults[0].slow_handshake.by: slow_handshake needs by, e.g. 3s", YamlFaults.problems("slow_handshake: {}"));
    assertEquals("faults[0].slow_handshake.by: by must be longer than 0", YamlFaults.problems("slow_handshake: {by: 0ms}"));
  }
}
