package io.wschaos.pipeline;

import io.wschaos.frame.Frame;

/**
 * One step of a direction's chain. Contract (after toxiproxy's): every frame a stage receives goes
 * on to {@code next}, in order, unless dropping it is the stage's whole point; a stage never blocks.
 */
@FunctionalInterface
public interface Stage {
  void onFrame(Frame frame, FrameOutput next);
}
