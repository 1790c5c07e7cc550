package io.wschaos.pipeline;

import io.wschaos.frame.Direction;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The random streams of a scenario: one per (seed, fault id, client, link ordinal, direction), drawn
 * in message order, so the same seed and the same traffic give the same decisions whatever else
 * happens in other links.
 */
public final class SeededRandom {
  private SeededRandom() {}

  public static SplittableRandom stream(long seed, String faultId, int client, int linkOrdinal, Direction direction) {
    long h = mix(seed);
    for (byte b : faultId.getBytes(StandardCharsets.UTF_8)) {
      h = mix(h ^ b);
    }
    h = mix(h ^ client);
    h = mix(h ^ ((long) linkOrdinal << 1));
    h = mix(h ^ (direction == null ? 7 : direction.ordinal() + 1));
    return new SplittableRandom(h);
  }

  /** SplitMix64's finalizer: a good 64-bit mixer. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
