package io.wschaos.cli;

import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Redactor;

/** One readable console line per timeline event. */
final class TimelineText {
  private TimelineText() {}

  static String line(Event e) {
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
