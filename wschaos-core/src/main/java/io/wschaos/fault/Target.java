package io.wschaos.fault;

import io.wschaos.frame.Leg;
import java.util.List;

/** Which side(s) a close or abort reaches: {@code to: client | server | both}. */
public enum Target {
  CLIENT,
  SERVER,
  BOTH;

  public List<Leg> legs() {
    return switch (this) {
      case CLIENT -> List.of(Leg.CLIENT);
      case SERVER -> List.of(Leg.SERVER);
      case BOTH -> List.of(Leg.CLIENT, Leg.SERVER);
    };
  }
}
