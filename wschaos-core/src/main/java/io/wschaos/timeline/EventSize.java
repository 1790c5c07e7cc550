package io.wschaos.timeline;

import java.util.List;
import java.util.Map;

/**
 * A cheap estimate of an event's heap footprint, for the timeline's memory bound: object headers
 * and fields, plus 40 bytes and one byte a character for each string (compact Latin-1 strings;
 * shared constants are counted too, so the estimate errs high).
 */
final class EventSize {
  private static final int EVENT = 48;
  private static final int BODY = 32;

  private EventSize() {}

  static int of(EventBody body) {
    int n = EVENT + BODY;
    if (body instanceof EventBody.Message m) {
      return n + str(m.opcode()) + str(m.preview());
    }
    if (body instanceof EventBody.Attempt a) {
      return n + str(a.remote()) + str(a.path()) + str(a.query()) + headers(a.headers())
          + strs(a.subprotocols()) + str(a.extensions());
    }
    if (body instanceof EventBody.ControlFrame f) {
      return n + str(f.opcode());
    }
    if (body instanceof EventBody.Close c) {
      return n + 16 + str(c.by()) + str(c.reason()) + str(c.fault());
    }
    if (body instanceof EventBody.Abort a) {
      return n + str(a.by()) + str(a.mode()) + str(a.fault()) + str(a.detail());
    }
    if (body instanceof EventBody.Rejected r) {
      return n + str(r.by()) + str(r.reason());
    }
    if (body instanceof EventBody.Open o) {
      return n + str(o.subprotocol());
    }
    if (body instanceof EventBody.Http h) {
      return n + str(h.method()) + str(h.path());
    }
    if (body instanceof EventBody.Unknown u) {
      return n + str(u.kind()) + 64 * u.fields().size() + u.fields().toString().length();
    }
    return n;
  }

  private static int str(String s) {
    return s == null ? 0 : 40 + s.length();
  }

  private static int strs(List<String> values) {
    if (values == null) {
      return 0;
    }
    int n = 32;
    for (String v : values) {
      n += 8 + str(v);
    }
    return n;
  }

  private static int headers(Map<String, List<String>> headers) {
    if (headers == null) {
      return 0;
    }
    int n = 64;
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      n += 32 + str(h.getKey()) + strs(h.getValue());
    }
    return n;
  }
}
