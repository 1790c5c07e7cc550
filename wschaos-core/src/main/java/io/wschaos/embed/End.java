package io.wschaos.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Which ends of a link an expectation anchors on (the schema's {@code after}): {@code End.close(1001)}
 * is {@code {close: 1001}}, {@code End.closeRange(4000, 4999)} is {@code {close: 4000-4999}}.
 */
public final class End {
  private final JsonNode node;

  private End(JsonNode node) {
    this.node = node;
  }

  /** A close with one of these codes, toward the client ({@code {close: 1001}} or {@code {close: [1001, 1012]}}). */
  public static End close(int... codes) {
    ObjectNode o = Entries.object();
    if (codes.length == 1) {
      o.put("close", codes[0]);
    } else {
      var a = o.putArray("close");
      for (int c : codes) {
        a.add(c);
      }
    }
    return new End(o);
  }

  /** A close with a code in {@code [from, to]} ({@code {close: 4000-4999}}). */
  public static End closeRange(int from, int to) {
    ObjectNode o = Entries.object();
    o.put("close", from + "-" + to);
    return new End(o);
  }

  /** The TCP connection died without a close frame (the client sees 1006). */
  public static End abort() {
    return new End(Entries.JSON.getNodeFactory().textNode("abort"));
  }

  /** A handshake answered with this status ({@code {rejected: 503}}). */
  public static End rejected(int status) {
    ObjectNode o = Entries.object();
    o.put("rejected", status);
    return new End(o);
  }

  /** Every end the fault with this id made ({@code {fault: restart}}). */
  public static End fault(String id) {
    ObjectNode o = Entries.object();
    o.put("fault", id);
    return new End(o);
  }

  /** Every end the client did not start. */
  public static End any() {
    return new End(Entries.JSON.getNodeFactory().textNode("any"));
  }

  JsonNode node() {
    return node.deepCopy();
  }

  @Override
  public String toString() {
    return Entries.flow(node);
  }
}
