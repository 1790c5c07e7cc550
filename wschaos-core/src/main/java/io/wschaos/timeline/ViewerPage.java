package io.wschaos.timeline;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The timeline viewer page (src/main/resources/io/wschaos/viewer/timeline.html): one HTML file with
 * its script and style inline, used by the HTML report (data: one run) and by the proxy's live UI
 * (data: the fault schema; events come from the control API). Nothing is fetched from elsewhere.
 *
 * <p>The data is embedded as JSON inside a {@code <script type="application/json">} element, with
 * {@code <}, {@code >} and {@code &} written as {@code \u003c}, {@code \u003e}, {@code \u0026}, so no
 * payload can end the element; the page renders payloads as text only.
 */
public final class ViewerPage {
  private static final String RESOURCE = "/io/wschaos/viewer/timeline.html";
  private static final String SLOT = "__WSCHAOS_DATA__";
  private static volatile String template;

  private ViewerPage() {}

  /** The page with {@code dataJson} (a JSON object) embedded. */
  public static String render(CharSequence dataJson) {
    String page = template();
    int at = page.indexOf(SLOT);
    StringBuilder b = new StringBuilder(page.length() + dataJson.length() + dataJson.length() / 16);
    b.append(page, 0, at);
    appendEscaped(b, dataJson);
    b.append(page, at + SLOT.length(), page.length());
    return b.toString();
  }

  /** Writes the data of a page to the writer it is given (already escaping). */
  public interface DataWriter {
    void write(java.io.Writer json) throws IOException;
  }

  /**
   * Writes the page to {@code out} with the JSON object that {@code data} writes embedded, escaped
   * as {@link #render} does, without holding the page in memory (a report of a long run embeds
   * hundreds of MiB of events).
   */
  public static void write(java.io.Writer out, DataWriter data) throws IOException {
    String page = template();
    int at = page.indexOf(SLOT);
    out.write(page, 0, at);
    data.write(new java.io.FilterWriter(out) {
      @Override
      public void write(int c) throws IOException {
        switch (c) {
          case '<' -> out.write("\\u003c");
          case '>' -> out.write("\\u003e");
          case '&' -> out.write("\\u0026");
          case '\u2028' -> out.write("\\u2028");
          case '\u2029' -> out.write("\\u2029");
          default -> out.write(c);
        }
      }

      @Override
      public void write(char[] cbuf, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
          write(cbuf[i]);
        }
      }

      @Override
      public void write(String str, int off, int len) throws IOException {
        int run = off;
        for (int i = off; i < off + len; i++) {
          char c = str.charAt(i);
          if (c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
            out.write(str, run, i - run);
            write(c);
            run = i + 1;
          }
        }
        out.write(str, run, off + len - run);
      }

      @Override
      public void close() {
        // the page's writer is the caller's to close
      }
    });
    out.write(page, at + SLOT.length(), page.length() - at - SLOT.length());
  }

  /** Appends JSON text with the three characters that could end or confuse a script element escaped. */
  public static void appendEscaped(StringBuilder b, CharSequence json) {
    for (int i = 0; i < json.length(); i++) {
      char c = json.charAt(i);
      switch (c) {
        case '<' -> b.append("\\u003c");
        case '>' -> b.append("\\u003e");
        case '&' -> b.append("\\u0026");
        case '\u2028' -> b.append("\\u2028");
        case '\u2029' -> b.append("\\u2029");
        default -> b.append(c);
      }
    }
  }

  private static String template() {
    String t = template;
    if (t == null) {
      try (InputStream in = ViewerPage.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("missing resource " + RESOURCE);
        }
        t = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      template = t;
    }
    return t;
  }
}
