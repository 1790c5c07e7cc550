package io.wschaos.fault;

import io.wschaos.frame.Direction;
import io.wschaos.frame.Frame;
import io.wschaos.frame.Opcode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What faults act on: one whole data message (all its frames, fragments as one unit) or one control
 * frame (ping, pong, close). The bytes stay the transport's until a fault asks for them.
 */
public final class Unit {
  private final Direction direction;
  private final List<Frame> frames;
  private final long id;
  private final long ingressMicros;
  private byte[] payload;

  /**
   * @param id the message id on the timeline (per link and direction, from 1); 0 for control frames
   * @param ingressMicros timeline time the unit's last frame was read
   */
  public Unit(Direction direction, List<Frame> frames, long id, long ingressMicros) {
    if (frames.isEmpty()) {
      throw new IllegalArgumentException("a unit has at least one frame");
    }
    this.direction = direction;
    this.frames = List.copyOf(frames);
    this.id = id;
    this.ingressMicros = ingressMicros;
  }

  public static Unit of(Direction direction, Frame frame, long id, long ingressMicros) {
    return new Unit(direction, List.of(frame), id, ingressMicros);
  }

  public Direction direction() {
    return direction;
  }

  public List<Frame> frames() {
    return frames;
  }

  public long id() {
    return id;
  }

  public long ingressMicros() {
    return ingressMicros;
  }

  /** The opcode of the message (its first frame's) or of the control frame. */
  public Opcode opcode() {
    return frames.get(0).opcode();
  }

  public boolean isData() {
    return !opcode().isControl();
  }

  public boolean isText() {
    return opcode() == Opcode.TEXT;
  }

  /** Payload bytes of all frames together. */
  public int size() {
    int n = 0;
    for (Frame f : frames) {
      n += f.size();
    }
    return n;
  }

  /** The whole payload, copied once and kept. */
  public byte[] payload() {
    if (payload == null) {
      if (frames.size() == 1) {
        payload = frames.get(0).payload();
      } else {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size());
        for (Frame f : frames) {
          out.writeBytes(f.payload());
        }
        payload = out.toByteArray();
      }
    }
    return payload;
  }

  /** The payload as UTF-8 text (lenient: malformed bytes become U+FFFD). */
  public String text() {
    return new String(payload(), StandardCharsets.UTF_8);
  }
}
