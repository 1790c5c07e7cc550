package io.wschaos.spec;

/**
 * One thing wrong in a fault entry (or any spec the loader checks): where, by key path, and what
 * is wrong and allowed. The scenario loader adds file, line and column from the path.
 */
public record SpecProblem(String path, String message) {
  @Override
  public String toString() {
    return path + ": " + message;
  }
}
