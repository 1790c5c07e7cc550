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
