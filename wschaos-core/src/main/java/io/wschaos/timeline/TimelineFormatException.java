package io.wschaos.timeline;

/** A timeline JSONL line that cannot be read: bad JSON, a missing field, or a newer major {@code v}. */
public final class TimelineFormatException extends RuntimeException {
  private final long line;

  public TimelineFormatException(String message) {
    this(0, message, null);
  }

  public TimelineFormatException(long line, String message, Throwable cause) {
    super(line > 0 ? "line " + line + ": " + message : message, cause);
    this.line = line;
  }

  /** 1-based line number in the file, 0 when unknown. */
  public long line() {
    return line;
  }
}
