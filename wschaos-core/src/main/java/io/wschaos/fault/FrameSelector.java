package io.wschaos.fault;

import io.wschaos.frame.Opcode;

/** {@code frames: data | ping | pong | close | all}: which units a drop, delay or blackhole touches. */
public enum FrameSelector {
  DATA,
  PING,
  PONG,
  CLOSE,
  ALL;

  public boolean selects(Unit u) {
    Opcode op = u.opcode();
    return switch (this) {
      case DATA -> !op.isControl();
      case PING -> op == Opcode.PING;
      case PONG -> op == Opcode.PONG;
      case CLOSE -> op == Opcode.CLOSE;
      case ALL -> true;
    };
  }
}
