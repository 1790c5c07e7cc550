package io.wschaos.pipeline;

import io.wschaos.frame.Frame;

/** Where a stage hands on a frame: the next stage, or the egress leg after the last one. */
@FunctionalInterface
public interface FrameOutput {
  void emit(Frame frame);
}
