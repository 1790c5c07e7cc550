package io.wschaos.timeline;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSONL timeline back into events. Blank lines are skipped; unknown fields are ignored;
 * unknown kinds become {@link EventBody.Unknown}; a line with a newer major {@code v}, bad JSON or
 * a missing field throws {@link TimelineFormatException} naming the line.
 */
public final class JsonlReader implements Closeable {
  private final BufferedReader in;
  private long line;

  public JsonlReader(Reader in) {
    this.in = in instanceof BufferedReader b ? b : new BufferedReader(in, 1 << 16);
  }

  public static JsonlReader open(Path file) throws IOException {
    return new JsonlReader(Files.newBufferedReader(file, StandardCharsets.UTF_8));
  }

  /** Every event of {@code file}, in file order. */
  public static List<Event> read(Path file) throws IOException {
    try (JsonlReader r = open(file)) {
      return r.readAll();
    }
  }

  /** One line, without a line number in errors. */
  public static Event parse(String line) {
    return TimelineJson.fromLine(line);
  }

  /** The next event, or null at the end of the input. */
  public Event next() throws IOException {
    String text;
    do {
      text = in.readLine();
      if (text == null) {
        return null;
      }
      line++;
    } while (text.isBlank());
    try {
      return TimelineJson.fromLine(text);
    } catch (TimelineFormatException e) {
      throw new TimelineFormatException(line, e.getMessage(), e);
    }
  }

  /** The rest of the input. */
  public List<Event> readAll() throws IOException {
    List<Event> out = new ArrayList<>();
    for (Event e = next(); e != null; e = next()) {
      out.add(e);
    }
    return out;
  }

  /** The number of the line last read (1-based). */
  public long line() {
    return line;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
