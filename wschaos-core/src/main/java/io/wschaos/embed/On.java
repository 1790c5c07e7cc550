package io.wschaos.embed;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * When a fault starts, as the scenario schema's {@code on:} says it: {@code On.open(1)} is
 * {@code on: {open: 1}}, the client's first successful open.
 */
public final class On {
  private final ObjectNode node;

  private On(ObjectNode node) {
    this.node = node;
  }

  /** The client's {@code n}th successful open ({@code on: {open: n}}). */
  public static On open(int n) {
    return of("open", n);
  }

  /** Every open ({@code on: {open: any}}). */
  public static On anyOpen() {
    ObjectNode o = Entries.object();
    o.put("open", "any");
    return new On(o);
  }

  /** Handshake attempt {@code n}, before it is answered ({@code on: {attempt: n}}). */
  public static On attempt(int n) {
    return of("attempt", n);
  }

  /** When every client instance has an open link ({@code on: {all_open: true}}). */
  public static On allOpen() {
    ObjectNode o = Entries.object();
    o.put("all_open", true);
    return new On(o);
  }

  /** The {@code nth} message toward {@code to} on a link ({@code on: {message: {to: client, nth: 10}}}). */
  public static On message(Side to, int nth) {
    ObjectNode o = Entries.object();
    ObjectNode m = o.putObject("message");
    m.put("to", to.wire());
    m.put("nth", nth);
    return new On(o);
  }

  private static On of(String key, int n) {
    ObjectNode o = Entries.object();
    o.put(key, n);
    return new On(o);
  }

  ObjectNode node() {
    return node.deepCopy();
  }

  @Override
  public String toString() {
    return Entries.flow(node);
  }
}
