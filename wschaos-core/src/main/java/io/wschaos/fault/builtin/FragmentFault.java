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
 * at byte positions, possibly inside a UTF-8 sequence, as RFC 6455 allows.
 */
public final class FragmentFault implements Fault {
  /** More fragments than any client needs to be tested with, and few enough to keep a unit small. */
  static final int MAX_FRAMES = 10_000;

  /** @param frames how many frames each message leaves as (2…10000, default 2) */
  public record Params(Direction to, Integer frames) {
    public Params {
      ParamException.require(to != null, "to", "fragment needs to: server or client");
      frames = frames == null ? 2 : frames;
      ParamException.require(frames >= 2 && frames <= MAX_FRAMES, "frames", frames + " is not a number of frames (2 to " + MAX_FRAMES + ")");
    }
  }

  private final Params p;

  public FragmentFault(Params p) {
    this.p = p;
  }

  @Override
  public String name() {
    return "fragment";
  }

  @Override
  public Set<Direction> directions() {
    return Set.of(p.to());
  }

  @Override
  public FrameStage stage(Direction direction, FaultContext ctx) {
    return (unit, next) -> {
      if (!unit.isData() || !ctx.chance(direction)) {
        next.emit(unit);
        return;
      }
      ctx.record("fragmented", direction, unit.id(), "into " + p.frames() + " frames (" + unit.size() + " bytes)");
      next.emit(new Unit(direction, split(unit.opcode(), unit.payload(), p.frames()), unit.id(), unit.ingressMicros()));
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
