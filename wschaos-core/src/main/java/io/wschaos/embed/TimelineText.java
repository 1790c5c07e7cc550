package io.wschaos.embed;

import io.wschaos.expect.Verdict;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.JsonlWriter;
import io.wschaos.timeline.Redactor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Timeline slices as text for failure messages: one event a line, its seq, its proxy time and its JSON. */
final class TimelineText {
  /** Kinds that tell a link's story; messages and frames are shown only when they are evidence. */
  private static final Set<String> STORY = Set.of("attempt", "rejected", "open", "close", "abort", "fault", "ended", "client", "server", "lost", "gap");
  private static final int MAX_LINES = 60;
  private static final int MAX_LINE = 200;

  private TimelineText() {}

  /** The expectation, the verdict with its sentence, and the events around its evidence ({@code *} marks evidence). */
  static String explain(String expectation, Verdict v, List<Event> events, long origin) {
    StringBuilder b = new StringBuilder();
    b.append("wschaos: expected ").append(expectation).append('\n');
    b.append("  verdict: ").append(v.status().wire()).append(" — ").append(v.sentence()).append('\n');
    b.append("  evidence: ").append(v.evidence().isEmpty() ? "none" : "seq " + v.evidence()).append('\n');
    b.append(slice(events, new HashSet<>(v.evidence()), origin));
    return b.toString();
  }

  /** The timeline's story and evidence events, at most {@value #MAX_LINES} lines (the ones nearest the evidence). */
  static String slice(List<Event> events, Set<Long> evidence, long origin) {
    List<Event> shown = new ArrayList<>();
    int hidden = 0;
    for (Event e : events) {
      if (evidence.contains(e.seq()) || STORY.contains(e.kind())) {
        shown.add(e);
      } else if (!"scenario".equals(e.kind()) && !"verdict".equals(e.kind())) {
        hidden++;
      }
    }
    int from = 0;
    int to = shown.size();
    if (to - from > MAX_LINES) {
      long last = evidence.stream().mapToLong(Long::longValue).max().orElse(Long.MAX_VALUE);
      int end = shown.size();
      for (int i = 0; i < shown.size(); i++) {
        if (shown.get(i).seq() > last) {
          end = i;
          break;
        }
      }
      to = Math.min(shown.size(), Math.max(end + 5, MAX_LINES));
      from = to - MAX_LINES;
    }
    StringBuilder b = new StringBuilder("  timeline (t in s since the proxy's t = 0; * evidence");
    b.append(hidden > 0 ? "; " + hidden + " messages and frames not shown" : "").append("):\n");
    if (from > 0) {
      b.append("    … ").append(from).append(" earlier events\n");
    }
    for (int i = from; i < to; i++) {
      b.append(line(shown.get(i), evidence.contains(shown.get(i).seq()), origin)).append('\n');
    }
    if (to < shown.size()) {
      b.append("    … ").append(shown.size() - to).append(" later events\n");
    }
    if (shown.isEmpty()) {
      b.append("    (no events: did the client connect to the proxy's URL?)\n");
    }
    return b.toString();
  }

  /** The last {@code n} events. */
  static String tail(List<Event> events, long origin, int n) {
    StringBuilder b = new StringBuilder("  timeline so far (last " + Math.min(n, events.size()) + " of " + events.size() + " events):\n");
    for (Event e : events.subList(Math.max(0, events.size() - n), events.size())) {
      b.append(line(e, false, origin)).append('\n');
    }
    return b.toString();
  }

  private static String line(Event e, boolean evidence, long origin) {
    // seq and time have their own columns; the schema version and the run phase say nothing here
    String json = new String(JsonlWriter.line(e, Redactor.ON), StandardCharsets.UTF_8).strip()
        .replaceFirst("^\\{\"v\":\\d+,\"seq\":\\d+,\"t\":[-0-9.]+,", "{").replace(",\"phase\":\"run\"", "");
    if (json.length() > MAX_LINE) {
      json = json.substring(0, MAX_LINE) + "…";
    }
    return String.format(Locale.ROOT, "  %s %5d %8.3f  %s", evidence ? "*" : " ", e.seq(), (e.t() - origin) / 1e6, json);
  }
}
