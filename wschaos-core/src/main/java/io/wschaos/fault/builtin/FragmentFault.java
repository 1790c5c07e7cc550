package io.wschaos.fault.builtin;

import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.FrameStage;
import io.wschaos.spec.ParamException;
import io.wschaos.fault.Unit;
import io.wschaos.frame.BytesFrame;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Frame;
import io.wschaos.frame.Opcode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A message split into continuation frames: each data message leaves as {@code frames} frames, the
 * first with the message's opcode, the rest continuations, FIN on the last only. Sizes differ by
 * one byte at most; a message shorter than {@code frames} bytes gets empty fragments. Text is cut
 * at byte positions, possibly inside a UTF-8 sequence, as RFC 6455 allows. With {@code size}
 * instead, each message is cut into the fewest frames of at most that many bytes, like
 * Toxiproxy's slicer; a message no longer than {@code size} passes whole.
 */
public final class FragmentFault implements Fault {
  /** More fragments than any client needs to be tested with, and few enough to keep a unit small. */
  static final int MAX_FRAMES = 10_000;

  /**
   * @param frames how many frames each message leaves as (2…10000, default 2)
   * @param size instead of frames: bytes per frame (≥ 1); a message needs at most 10000 frames
   */
  public record Params(Direction to, Integer frames, Integer size) {
    public Params {
      ParamException.require(to != null, "to", "fragment needs to: server or client");
      ParamException.require(frames == null || size == null, "size", "give frames or size, not both");
      ParamException.require(size == null || size >= 1, "size", size + " is not a frame size in bytes (≥ 1)");
      frames = frames == null ? 2 : frames;
      ParamException.require(frames >= 2 && frames <= MAX_FRAMES, "frames", frames + " is not a number of frames (2 to " + MAX_FRAMES + ")");
    }
  }

  private final Params p;

  public FragmentFault(Params p) {
    this.p = p;
  }

  @Override
  public Set<Direction> directions() {
    return Set.of(p.to());
  }

  @Override
  public FrameStage stage(Direction direction, FaultContext ctx) {
    return (unit, next) -> {
      int n = p.size() == null ? p.frames() : (int) Math.min(MAX_FRAMES, ((long) unit.size() + p.size() - 1) / p.size());
      if (!unit.isData() || n < 2 || !ctx.chance(direction)) {
        next.emit(unit);
        return;
      }
      ctx.record("fragmented", direction, unit.id(), "into " + n + " frames (" + unit.size() + " bytes)");
      next.emit(new Unit(direction, split(unit.opcode(), unit.payload(), n), unit.id(), unit.ingressMicros()));
    };
  }

  /** {@code n} frames carrying {@code payload} in order, sizes as even as possible. */
  static List<Frame> split(Opcode opcode, byte[] payload, int n) {
    List<Frame> frames = new ArrayList<>(n);
    int base = payload.length / n;
    int extra = payload.length % n;
    int from = 0;
    for (int i = 0; i < n; i++) {
      int to = from + base + (i < extra ? 1 : 0);
      frames.add(new BytesFrame(i == 0 ? opcode : Opcode.CONTINUATION, i == n - 1, Arrays.copyOfRange(payload, from, to)));
      from = to;
    }
    return frames;
  }
}
