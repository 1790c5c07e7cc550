package io.wschaos.fault;

import static io.wschaos.fault.DelayFaultTest.assertThrowsParam;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.wschaos.fault.builtin.InjectFault;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Leg;
import io.wschaos.frame.Opcode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InjectFaultTest {
  /** A link that only records what was injected into it. */
  private static final class FakeLink implements LinkPort {
    final List<Unit> toClient = new ArrayList<>();
    final List<Unit> toServer = new ArrayList<>();

    @Override
    public int id() {
      return 1;
    }

    @Override
    public int client() {
      return 1;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    @Override
    public void close(Leg leg, int code, String reason, String faultId) {
      throw new AssertionError("inject closes nothing");
    }

    @Override
    public void abort(Leg leg, boolean reset, String faultId) {
      throw new AssertionError("inject aborts nothing");
    }

    @Override
    public void inject(Direction direction, Unit unit) {
      (direction == Direction.TO_CLIENT ? toClient : toServer).add(unit);
    }

    @Override
    public long idleNanos(boolean dataOnly) {
      return 0;
    }
  }

  private static InjectFault inject(Direction to, String text, String json, String binary) throws Exception {
    return new InjectFault(new InjectFault.Params(to, text, json == null ? null : new ObjectMapper().readTree(json), binary));
  }

  @Test
  void aTextMessageNobodySentIsWrittenOnceAndRecorded() throws Exception {
    InjectFault f = inject(Direction.TO_CLIENT, "surprise", null, null);
    assertTrue(f.oneShot(), "inject acts once per link");
    assertTrue(f.directions().isEmpty(), "no stage: it acts when it starts");
    StageHarness h = new StageHarness("inject");
    FakeLink link = new FakeLink();
    f.start(link, h);
    assertEquals(1, link.toClient.size());
    assertEquals(List.of(), link.toServer);
    Unit u = link.toClient.get(0);
    assertEquals(Opcode.TEXT, u.opcode());
    assertEquals("surprise", u.text());
    assertEquals(0, u.id(), "no message id: nobody sent it");
    assertEquals(List.of("injected"), h.actions());
    assertEquals(Direction.TO_CLIENT, h.recorded.get(0).direction());
  }

  @Test
  void jsonIsSentAsCompactTextAndBinaryIsDecodedFromBase64() throws Exception {
    StageHarness h = new StageHarness("inject");
    FakeLink link = new FakeLink();
    inject(Direction.TO_SERVER, null, "{\"type\": \"ack\", \"seq\": 7}", null).start(link, h);
    inject(Direction.TO_SERVER, null, null, "AAEC/w==").start(link, h);
    assertEquals("{\"type\":\"ack\",\"seq\":7}", link.toServer.get(0).text());
    assertEquals(Opcode.BINARY, link.toServer.get(1).opcode());
    assertArrayEquals(new byte[] {0, 1, 2, (byte) 0xff}, link.toServer.get(1).payload());
  }

  @Test
  void paramsTakeExactlyOneOfTextJsonAndBinary() throws Exception {
    var json = new ObjectMapper().readTree("{\"a\":1}");
    assertThrowsParam("to", () -> new InjectFault.Params(null, "x", null, null));
    assertThrowsParam("", () -> new InjectFault.Params(Direction.TO_CLIENT, null, null, null));
    assertThrowsParam("json", () -> new InjectFault.Params(Direction.TO_CLIENT, "x", json, null));
    assertThrowsParam("binary", () -> new InjectFault.Params(Direction.TO_CLIENT, "x", null, "AA=="));
    assertThrowsParam("binary", () -> new InjectFault.Params(Direction.TO_CLIENT, null, json, "AA=="));
    assertThrowsParam("binary", () -> new InjectFault.Params(Direction.TO_CLIENT, null, null, "not base64!"));
  }
}
