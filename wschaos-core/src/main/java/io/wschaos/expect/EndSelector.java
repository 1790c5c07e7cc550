package io.wschaos.expect;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.spec.ParamException;
import java.util.Iterator;

/**
 * The {@code after} selector of DESIGN.md ("Time and counting"): which ends anchor an expectation.
 * {@code {close: 1001}}, {@code {close: [1001, 1012]}}, {@code {close: 4000-4999}}, {@code abort},
 * {@code {rejected: 503}}, {@code {fault: id}}, {@code any}; a bare close code is short for
 * {@code {close: code}}.
 *
 * <p>Every selector takes only ends the client did not start (its own close frame, FIN or RST are
 * never anchors), and only in the run phase (the {@link Story} holds no teardown). {@code close}
 * matches the code the client's WebSocket reports: a close frame without a code is 1005 and an
 * abort is 1006, so {@code {close: 1006}} selects aborts. {@code {fault: id}} selects ends that
 * carry the fault's id (its close, its abort, its rejection) and ends that came while that fault
 * was restarting the server.
 */
public final class EndSelector {
  public static final String ALLOWED =
      "{close: 1001}, {close: [1001, 1012]}, {close: 4000-4999}, abort, {rejected: 503}, {fault: ID} or any";

  private enum Kind {
    CLOSE,
    ABORT,
    REJECTED,
    FAULT,
    ANY
  }

  private final Kind kind;
  private final CodeSet codes;
  private final String fault;

  private EndSelector(Kind kind, CodeSet codes, String fault) {
    this.kind = kind;
    this.codes = codes;
    this.fault = fault;
  }

  public static EndSelector any() {
    return new EndSelector(Kind.ANY, null, null);
  }

  /** Parses the selector at {@code key}; problems name {@code key} and say what is allowed. */
  public static EndSelector parse(JsonNode n, String key) {
    ParamException.require(n != null && !n.isNull(), key, key + " needs an end to anchor on: " + ALLOWED);
    if (n.isInt()) {
      return new EndSelector(Kind.CLOSE, CodeSet.parse(n, key, "close code", 1000, 4999), null);
    }
    if (n.isTextual()) {
      String t = n.asText().trim();
      if (t.equals("abort")) {
        return new EndSelector(Kind.ABORT, null, null);
      }
      if (t.equals("any")) {
        return any();
      }
      throw new ParamException(key, "'" + t + "' is not an end: " + ALLOWED);
    }
    ParamException.require(n.isObject() && n.size() == 1, key, n + " is not an end: " + ALLOWED + " (one key)");
    Iterator<String> names = n.fieldNames();
    String which = names.next();
    JsonNode v = n.get(which);
    switch (which) {
      case "close":
        return new EndSelector(Kind.CLOSE, CodeSet.parse(v, key + ".close", "close code", 1000, 4999), null);
      case "rejected":
        return new EndSelector(Kind.REJECTED, CodeSet.parse(v, key + ".rejected", "HTTP status", 100, 599), null);
      case "fault":
        ParamException.require(v.isTextual() && !v.asText().isBlank(), key + ".fault", "fault takes a fault id (id: or f1, f2… by position)");
        return new EndSelector(Kind.FAULT, null, v.asText());
      default:
        throw new ParamException(key + "." + which, "unknown end '" + which + "' (allowed: " + ALLOWED + ")");
    }
  }

  /** The fault id of a {@code {fault: id}} selector, else null. */
  public String faultId() {
    return fault;
  }

  public boolean selects(Story.End end, Story story) {
    if (end.byClient()) {
      return false;
    }
    return switch (kind) {
      case ANY -> true;
      case ABORT -> end.cause() == Story.Cause.ABORT;
      case CLOSE -> end.clientCode() != null && codes.contains(end.clientCode());
      case REJECTED -> end.cause() == Story.Cause.REJECTED && codes.contains(end.code());
      case FAULT -> fault.equals(end.fault()) || story.duringRestart(fault, end);
    };
  }

  /** A noun phrase that reads after "every": "close 1001", "abort", "rejection 503", "end by fault restart". */
  public String describe() {
    return switch (kind) {
      case ANY -> "end the client did not start";
      case ABORT -> "abort";
      case CLOSE -> "close " + codes.describe();
      case REJECTED -> "rejection " + codes.describe();
      case FAULT -> "end by fault " + fault;
    };
  }

  /** What is missing when no end matched: "no close 1001 reached the client". */
  public String missing() {
    return switch (kind) {
      case ANY -> "no link or attempt ended other than by the client";
      case ABORT -> "no abort ended a link or attempt";
      case CLOSE -> "no close " + codes.describe() + " ever reached the client";
      case REJECTED -> "no handshake was rejected with " + codes.describe();
      case FAULT -> "fault " + fault + " ended no link or attempt";
    };
  }

  @Override
  public String toString() {
    return describe();
  }
}
