package io.wschaos.fault;

/** Where a stage hands on a unit: the next stage, or the egress leg after the last one. */
@FunctionalInterface
public interface StageOutput {
  void emit(Unit unit);
}
