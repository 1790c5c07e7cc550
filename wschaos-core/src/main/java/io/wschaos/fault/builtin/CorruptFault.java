package io.wschaos.fault.builtin;

import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.FrameStage;
import io.wschaos.spec.ParamException;
import io.wschaos.fault.StageOutput;
import io.wschaos.fault.Unit;
import io.wschaos.frame.BytesFrame;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Opcode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One unparsable message: the next {@code count} data messages are replaced by broken ones.
 * {@code malformed_json} is valid UTF-8 text that no JSON parser accepts (a parse-error test);
 * {@code invalid_utf8} and {@code random_bytes} are text frames that are not UTF-8, which conforming
 * clients answer by failing the link with 1007 (a reconnect test); {@code truncate} keeps the first
 * half.
 */
public final class CorruptFault implements Fault {
  public enum Mode {
    MALFORMED_JSON,
    TRUNCATE,
    INVALID_UTF8,
    RANDOM_BYTES;

    String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * @param mode how the message is broken
   * @param count how many messages are broken, from the fault's start (default 1)
   */
  public record Params(Direction to, Mode mode, Integer count) {
    public Params {
      ParamException.require(to != null, "to", "corrupt needs to: server or client");
      ParamException.require(mode != null, "mode", "corrupt needs a mode: malformed_json, truncate, invalid_utf8 or random_bytes");
      count = count == null ? 1 : count;
      ParamException.require(count >= 1, "count", count + " is not a number of messages (≥ 1)");
    }
  }

  private final Params p;

  public CorruptFault(Params p) {
    this.p = p;
  }

  @Override
  public Set<Direction> directions() {
    return Set.of(p.to());
  }

  @Override
  public FrameStage stage(Direction direction, FaultContext ctx) {
    return new FrameStage() {
      private int corrupted;

      @Override
      public void onUnit(Unit unit, StageOutput next) {
        if (corrupted >= p.count() || !unit.isData() || !ctx.chance(direction)) {
          next.emit(unit);
          return;
        }
        corrupted++;
        BytesFrame broken = corrupt(unit, ctx.random(direction));
        ctx.record("corrupted", direction, unit.id(), p.mode().wire() + ", " + unit.size() + " → " + broken.size() + " bytes");
        next.emit(new Unit(direction, List.of(broken), unit.id(), unit.ingressMicros()));
      }
    };
  }

  private BytesFrame corrupt(Unit unit, RandomGenerator random) {
    return switch (p.mode()) {
      case MALFORMED_JSON ->
          // A JSON prefix that ends after a complete member: every parser fails at the missing '}'.
          BytesFrame.text("{\"wschaos\":\"malformed_json\",\"message\":" + unit.id() + ",\"size\":" + unit.size());
      case TRUNCATE -> {
        byte[] b = unit.payload();
        int n = b.length / 2;
        if (unit.isText()) {
          while (n > 0 && (b[n] & 0xC0) == 0x80) {
            n--; // cut before a continuation byte: the text stays valid UTF-8
          }
        }
        yield new BytesFrame(unit.opcode(), true, Arrays.copyOf(b, n));
      }
      case INVALID_UTF8 -> {
        byte[] b = unit.payload();
        if (b.length == 0) {
          b = new byte[1];
        }
        b[b.length / 2] = (byte) 0xFF; // never valid anywhere in UTF-8
        yield new BytesFrame(Opcode.TEXT, true, b);
      }
      case RANDOM_BYTES -> {
        byte[] b = new byte[Math.max(1, unit.size())];
        random.nextBytes(b);
        if (isUtf8(b)) {
          b[random.nextInt(b.length)] = (byte) 0xFF; // guaranteed not UTF-8
        }
        yield new BytesFrame(Opcode.TEXT, true, b);
      }
    };
  }

  static boolean isUtf8(byte[] b) {
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
