package io.wschaos.expect;

import io.wschaos.frame.Direction;
import io.wschaos.timeline.MessageMatcher;
import java.util.Map;

/**
 * What sequence numbers, acks, heartbeats and client ids look like in this application, declared
 * once and reused by expectations (DESIGN.md, Message semantics, declared once).
 *
 * @param declared by name: {@code seq}, {@code ack}, {@code client_seq}, {@code heartbeat}, or any other
 * @param clientId how a client's successive links are stitched together, or null
 */
public record Messages(Map<String, Declaration> declared, ClientId clientId) {
  public static final Messages NONE = new Messages(Map.of(), null);

  /**
   * A kind of message: the ones going {@code to} that match {@code match}; {@code field} is the JSON
   * pointer of its number (a sequence or ack), or null (a heartbeat).
   */
  public record Declaration(String name, Direction to, MessageMatcher match, String field) {}

  /** Exactly one of: a query key, a header, a cookie, or a field (JSON pointer) of the first message. */
  public record ClientId(String query, String header, String cookie, String field) {}

  public Declaration get(String name) {
    return declared.get(name);
  }
}
