package io.wschaos.fault.builtin;

import io.wschaos.fault.LinkPort;
import io.wschaos.spec.ParamException;
import io.wschaos.frame.CloseStatus;
import io.wschaos.frame.Leg;
import java.util.Locale;

/**
 * How a link fault ends a link, as scenarios write it: {@code abort} (= {@code abort fin}),
 * {@code abort fin}, {@code abort reset}, {@code close CODE}, and for a blackhole {@code resume}.
 * Shared by blackhole's {@code then}, idle_timeout's {@code close_with} and server_down's
 * {@code close_links}, so the three say it, and do it, the same way.
 */
record LinkEnding(Kind kind, boolean reset, int code) {
  enum Kind {
    ABORT,
    CLOSE,
    RESUME
  }

  static final LinkEnding ABORT_FIN = new LinkEnding(Kind.ABORT, false, 0);

  /** Parses {@code text} for parameter {@code key}; a ParamException says what is allowed. */
  static LinkEnding parse(String text, String key, boolean resumeAllowed) {
    String allowed = "abort, abort fin, abort reset, close CODE" + (resumeAllowed ? " or resume" : "");
    String[] w = text == null ? new String[0] : text.trim().toLowerCase(Locale.ROOT).split("\\s+");
    if (w.length == 1 && w[0].equals("abort")) {
      return ABORT_FIN;
    }
    if (w.length == 2 && w[0].equals("abort") && (w[1].equals("fin") || w[1].equals("reset"))) {
      return new LinkEnding(Kind.ABORT, w[1].equals("reset"), 0);
    }
    if (w.length == 1 && w[0].equals("resume") && resumeAllowed) {
      return new LinkEnding(Kind.RESUME, false, 0);
    }
    if (w.length == 2 && w[0].equals("close")) {
      int code;
      try {
        code = Integer.parseInt(w[1]);
      } catch (NumberFormatException e) {
        throw new ParamException(key, "'" + w[1] + "' is not a close code (" + CloseStatus.ALLOWED + ")");
      }
      ParamException.require(CloseStatus.isSendable(code), key, code + " is not a valid close code (" + CloseStatus.ALLOWED + ")");
      return new LinkEnding(Kind.CLOSE, false, code);
    }
    throw new ParamException(key, "'" + text + "' is not allowed here (" + allowed + ")");
  }

  static LinkEnding close(int code, String key) {
    ParamException.require(CloseStatus.isSendable(code), key, code + " is not a valid close code (" + CloseStatus.ALLOWED + ")");
    return new LinkEnding(Kind.CLOSE, false, code);
  }

  /** The canonical text: {@code abort fin}, {@code abort reset}, {@code close 1012}, {@code resume}. */
  String text() {
    return switch (kind) {
      case ABORT -> reset ? "abort reset" : "abort fin";
      case CLOSE -> "close " + code;
      case RESUME -> "resume";
    };
  }

  /**
   * Ends {@code link}: an abort kills both legs with no close frame; a close sends {@code code} with
   * {@code reason} to the client and 1001 to the server. Resume does nothing here.
   */
  void apply(LinkPort link, String faultId, String reason) {
    switch (kind) {
      case ABORT -> {
        link.abort(Leg.CLIENT, reset, faultId);
        link.abort(Leg.SERVER, reset, faultId);
      }
      case CLOSE -> {
        link.close(Leg.CLIENT, code, reason, faultId);
        link.close(Leg.SERVER, CloseStatus.GOING_AWAY, "closed by wschaos fault " + faultId, faultId);
      }
      case RESUME -> {}
    }
  }
}
