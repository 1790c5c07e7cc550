package io.wschaos.timeline;

import java.util.List;

/** One readable line per timeline event: the tour's console and the failures of tests. */
public final class TimelineText {
  private TimelineText() {}

  /** Every event, one a line, each with its seq: {@code #12   1003.250 ms  link 1  close  client leg, by client: 1000}. */
  public static String of(List<Event> events) {
    StringBuilder b = new StringBuilder();
    for (Event e : events) {
      b.append(String.format("#%-4d ", e.seq())).append(line(e)).append('\n');
    }
    return b.toString();
  }

  public static String line(Event e) {
    String what = describe(Redactor.ON.apply(e.body()));
    String link = e.link() == 0 ? "      " : String.format("link %-2d", e.link());
    return String.format("%10.3f ms  %s %-8s %s", e.t() / 1000.0, link, e.kind(), what);
  }

  private static String describe(EventBody body) {
    if (body instanceof EventBody.Attempt a) {
      return a.path() + (a.query() == null ? "" : "?" + a.query());
    } else if (body instanceof EventBody.Rejected r) {
      return r.status() + " by " + r.by() + (r.reason() == null ? "" : " (" + r.reason() + ")");
    } else if (body instanceof EventBody.Open o) {
      return o.subprotocol() == null ? "" : "subprotocol " + o.subprotocol();
    } else if (body instanceof EventBody.Message m) {
      return "to " + m.to().wire() + " #" + m.id() + " " + m.opcode() + " " + m.size() + " B" + (m.preview() == null ? "" : "  " + m.preview());
    } else if (body instanceof EventBody.ControlFrame c) {
      return "to " + c.to().wire() + " " + c.opcode() + " " + c.size() + " B";
    } else if (body instanceof EventBody.Close c) {
      return c.leg().wire() + " leg, by " + c.by() + ": " + c.code() + (c.reason() == null || c.reason().isEmpty() ? "" : " " + c.reason());
    } else if (body instanceof EventBody.Abort a) {
      return a.leg().wire() + " leg, by " + a.by() + ": " + a.mode() + (a.detail() == null ? "" : " (" + a.detail() + ")");
    } else if (body instanceof EventBody.Ended n) {
      return n.bytesToServer() + " B to server, " + n.bytesToClient() + " B to client";
    } else if (body instanceof EventBody.Http h) {
      return h.method() + " " + h.path() + " -> " + h.status();
    } else if (body instanceof EventBody.Fault f) {
      return f.fault() + " (" + f.name() + ") " + f.action() + (f.message() == null ? "" : " #" + f.message()) + (f.detail() == null ? "" : " " + f.detail());
    } else if (body instanceof EventBody.Gap g) {
      return g.missed() + " events missed";
    }
    return body.toString();
  }

}
