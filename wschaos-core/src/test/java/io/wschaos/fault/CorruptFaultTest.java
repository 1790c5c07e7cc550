package io.wschaos.fault;

import static io.wschaos.fault.DelayFaultTest.assertThrowsParam;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wschaos.fault.builtin.CorruptFault;
import io.wschaos.fault.builtin.CorruptFault.Mode;
import io.wschaos.frame.BytesFrame;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Opcode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CorruptFaultTest {
  private static final String JSON = "{\"type\":\"data\",\"seq\":41,\"text\":\"héllo wörld €1 😀\"}";

  private static StageHarness harness(Mode mode, Integer count) {
    return harness(mode, count, 42);
  }

  private static StageHarness harness(Mode mode, Integer count, long seed) {
    return new StageHarness("corrupt", seed, null).stageOf(new CorruptFault(new CorruptFault.Params(Direction.TO_CLIENT, mode, count)), Direction.TO_CLIENT);
  }

  static boolean isUtf8(byte[] b) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  @Test
  void malformedJsonIsValidUtf8TextThatJacksonRejects() {
    StageHarness h = harness(Mode.MALFORMED_JSON, null);
    h.text(JSON);
    Unit u = h.out.get(0).unit();
    assertEquals(Opcode.TEXT, u.opcode());
    assertTrue(isUtf8(u.payload()), "valid UTF-8");
    assertThrows(JsonProcessingException.class, () -> new ObjectMapper().readTree(u.text()), "no JSON parser accepts " + u.text());
    assertEquals(List.of(new StageHarness.Recorded("corrupted", Direction.TO_CLIENT, 1, h.recorded.get(0).detail())), h.recorded);
    assertTrue(h.recorded.get(0).detail().startsWith("malformed_json"), h.recorded.get(0).detail());
  }

  @Test
  void onlyTheNextCountDataMessagesAreCorruptedAndControlFramesPass() {
    StageHarness h = harness(Mode.MALFORMED_JSON, 2);
    h.control(Opcode.PING, new byte[] {1});
    for (int i = 0; i < 4; i++) {
      h.text("{\"n\":" + i + "}");
    }
    List<String> t = h.texts();
    assertArrayEquals(new byte[] {1}, h.out.get(0).unit().payload(), "the ping is untouched");
    assertTrue(t.get(1).startsWith("{\"wschaos\""), t.get(1));
    assertTrue(t.get(2).startsWith("{\"wschaos\""), t.get(2));
    assertEquals(List.of("{\"n\":2}", "{\"n\":3}"), t.subList(3, 5));
    assertEquals(2, h.recorded.size());
  }

  @Test
  void truncateKeepsTheFirstHalfAndCutsTextOnACharacterBoundary() {
    StageHarness h = harness(Mode.TRUNCATE, 10);
    for (String s : List.of(JSON, "€€€", "😀😀😀", "aé", "", "x")) {
      h.text(s);
    }
    for (int i = 0; i < h.out.size(); i++) {
      byte[] got = h.out.get(i).unit().payload();
      assertTrue(isUtf8(got), "still UTF-8: " + Arrays.toString(got));
      assertEquals(Opcode.TEXT, h.out.get(i).unit().opcode());
    }
    byte[] json = JSON.getBytes(StandardCharsets.UTF_8);
    byte[] half = h.out.get(0).unit().payload();
    assertTrue(half.length <= json.length / 2 && half.length >= json.length / 2 - 3, half.length + " of " + json.length);
    assertArrayEquals(Arrays.copyOf(json, half.length), half, "a prefix of the original");
    assertEquals("€", h.texts().get(1), "9 bytes → cut at 4 → back to 3");
    assertEquals("😀", h.texts().get(2));
    assertEquals("a", h.texts().get(3));

    StageHarness b = harness(Mode.TRUNCATE, null);
    b.binary(new byte[] {1, 2, 3, 4, 5});
    assertEquals(Opcode.BINARY, b.out.get(0).unit().opcode());
    assertArrayEquals(new byte[] {1, 2}, b.out.get(0).unit().payload(), "binary is cut at exactly half");
  }

  @Test
  void invalidUtf8IsATextFrameThatIsNotUtf8() {
    StageHarness h = harness(Mode.INVALID_UTF8, 3);
    h.text(JSON);
    h.binary(new byte[] {65, 66});
    h.text("");
    for (StageHarness.Out o : h.out) {
      assertEquals(Opcode.TEXT, o.unit().opcode());
      assertFalse(isUtf8(o.unit().payload()), Arrays.toString(o.unit().payload()));
    }
    assertEquals(JSON.getBytes(StandardCharsets.UTF_8).length, h.out.get(0).unit().size(), "same length");
  }

  @Test
  void randomBytesAreSameLengthTextThatIsNeverUtf8AndFollowTheSeed() {
    StageHarness h = harness(Mode.RANDOM_BYTES, 500);
    for (int i = 0; i < 500; i++) {
      h.text(i % 2 == 0 ? "a" : "ab"); // short random strings are often valid UTF-8 by chance
    }
    for (int i = 0; i < 500; i++) {
      Unit u = h.out.get(i).unit();
      assertEquals(Opcode.TEXT, u.opcode());
      assertEquals(i % 2 == 0 ? 1 : 2, u.size(), "same length");
      assertFalse(isUtf8(u.payload()), "message " + i + ": " + Arrays.toString(u.payload()));
    }
    StageHarness again = harness(Mode.RANDOM_BYTES, 500);
    StageHarness other = harness(Mode.RANDOM_BYTES, 500, 43);
    for (int i = 0; i < 500; i++) {
      again.text(i % 2 == 0 ? "a" : "ab");
      other.text(i % 2 == 0 ? "a" : "ab");
    }
    assertEquals(bytes(h), bytes(again), "the same seed gives the same bytes");
    assertFalse(bytes(h).equals(bytes(other)), "another seed gives other bytes");
  }

  private static List<String> bytes(StageHarness h) {
    return h.out.stream().map(o -> Arrays.toString(o.unit().payload())).toList();
  }

  @Test
  void aFragmentedMessageIsCorruptedWhole() {
    StageHarness h = harness(Mode.TRUNCATE, null);
    h.feed(h.unit(List.of(new BytesFrame(Opcode.TEXT, false, "abcd".getBytes(StandardCharsets.UTF_8)), new BytesFrame(Opcode.CONTINUATION, true, "efgh".getBytes(StandardCharsets.UTF_8)))));
    assertEquals(List.of("abcd"), h.texts());
    assertEquals(1, h.out.get(0).unit().frames().size());
    assertTrue(h.out.get(0).unit().frames().get(0).fin());
  }

  @Test
  void paramsRejectImpossibleValues() {
    assertThrowsParam("to", () -> new CorruptFault.Params(null, Mode.TRUNCATE, null));
    assertThrowsParam("mode", () -> new CorruptFault.Params(Direction.TO_CLIENT, null, null));
    assertThrowsParam("count", () -> new CorruptFault.Params(Direction.TO_CLIENT, Mode.TRUNCATE, 0));
    assertEquals(1, new CorruptFault.Params(Direction.TO_CLIENT, Mode.TRUNCATE, null).count());
  }
}
