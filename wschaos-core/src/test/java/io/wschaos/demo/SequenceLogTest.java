package io.wschaos.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SequenceLogTest {
  @Test
  void keepsTheLastCapacityMessagesWithTheirTimestamps() {
    SequenceLog log = new SequenceLog(3, 1);
    for (long ts = 100; ts < 105; ts++) {
      log.append(ts); // seqs 1..5
    }
    assertEquals(3, log.oldestSeq());
    assertEquals(6, log.nextSeq());
    assertNull(log.get(2), "forgotten");
    assertEquals(new SequenceLog.Entry(3, 102), log.get(3));
    assertEquals(new SequenceLog.Entry(5, 104), log.get(5));
    assertNull(log.get(6), "not produced yet");
    assertEquals("{\"type\":\"data\",\"seq\":5,\"ts\":104}", log.get(5).toJson());
  }

  @Test
  void advanceToSkipsAheadAndNeverGoesBack() {
    SequenceLog log = new SequenceLog(10, 1);
    log.append(1);
    log.advanceTo(50);
    assertEquals(50, log.nextSeq());
    assertEquals(50, log.oldestSeq(), "what was held before the jump is not contiguous any more");
    log.advanceTo(7);
    assertEquals(50, log.nextSeq());
    assertEquals(50, log.append(2).seq());
  }

  @Test
  void rejectsImpossibleSizes() {
    assertThrows(IllegalArgumentException.class, () -> new SequenceLog(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new SequenceLog(10, 0));
  }
}
