package io.wschaos.timeline;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes events as JSON Lines (docs/timeline.md), one event a line, redacting through its
 * {@link Redactor}. Not thread-safe: one writer thread, or the caller's own lock.
 */
public final class JsonlWriter implements Closeable, Flushable {
  private final OutputStream out;
  private final Redactor redactor;
  private long bytes;
  private long lines;

  /** Writes to {@code out} as given; wrap it in a buffer when it is a file or a socket. */
  public JsonlWriter(OutputStream out, Redactor redactor) {
    this.out = out;
    this.redactor = redactor;
  }

  /** Creates or truncates {@code file}, buffered. */
  public static JsonlWriter open(Path file, Redactor redactor) throws IOException {
    return new JsonlWriter(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), redactor);
  }

  /** Writes {@code events} to {@code file} (created or truncated) and closes it. */
  public static void write(Path file, Iterable<Event> events, Redactor redactor) throws IOException {
    try (JsonlWriter w = open(file, redactor)) {
      for (Event e : events) {
        w.write(e);
      }
    }
  }

  /** The event, redacted, as one line including its newline, in UTF-8. */
  public static byte[] line(Event e, Redactor redactor) {
    byte[] json = TimelineJson.toBytes(redactor.apply(e));
    byte[] line = new byte[json.length + 1];
    System.arraycopy(json, 0, line, 0, json.length);
    line[json.length] = '\n';
    return line;
  }

  /** Writes one line and returns the byte offset (from this writer's start) where it begins. */
  public long write(Event e) throws IOException {
    byte[] line = line(e, redactor);
    long at = bytes;
    out.write(line);
    bytes += line.length;
    lines++;
    return at;
  }

  /** Bytes written so far, including newlines. */
  public long bytesWritten() {
    return bytes;
  }

  public long lines() {
    return lines;
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
