package io.wschaos.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wschaos.expect.Expectation;
import io.wschaos.spec.Catalog;
import io.wschaos.expect.builtin.BuiltinExpectations;
import io.wschaos.spec.SpecException;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One expectation of the scenario schema, built in Java: an immutable value, judged by the same
 * expectation classes as {@code wschaos run} (docs/expectations.md), so a proxy's {@code verify}
 * gives the runner's verdict. {@code Expect.reconnect().after(End.close(1001)).within(ofSeconds(3))}
 * is {@code reconnect: {after: {close: 1001}, within: 3s}}.
 *
 * <p>The factories cover the common expectations; {@link #of(String, Map)} reaches every one by its
 * YAML name and {@link #param} sets any parameter. Parameters are checked when the expectation is
 * judged (or by {@link #check()}), with the scenario file's located messages.
 */
public final class Expect {
  private static final Catalog<Expectation> CATALOG = BuiltinExpectations.catalog();

  private final String name;
  private final ObjectNode params;

  private Expect(String name, ObjectNode params) {
    this.name = name;
    this.params = params;
  }

  /** The expectation {@code name} (its YAML name, e.g. {@code backoff}) with these parameters. */
  public static Expect of(String name, Map<String, ?> params) {
    JsonNode p = Entries.value(params == null ? Map.of() : params);
    return new Expect(name, p instanceof ObjectNode o ? o : Entries.object());
  }

  /** Reads one expectation written in YAML or JSON: {@code "reconnect: {after: {close: 1001}, within: 3s}"}. */
  public static Expect parse(String entry) {
    JsonNode n = Entries.read(entry, "expect");
    if (!(n instanceof ObjectNode o) || o.size() != 1) {
      throw new ConfigException(List.of("expect: an expectation is one name with its parameters, e.g. reconnect: {within: 3s} (expectations: "
          + String.join(", ", CATALOG.names()) + ")"));
    }
    Iterator<Map.Entry<String, JsonNode>> it = o.fields();
    Map.Entry<String, JsonNode> e = it.next();
    JsonNode p = e.getValue();
    return new Expect(e.getKey(), p instanceof ObjectNode po ? po : Entries.object());
  }

  /** A new attempt follows every selected end within the bound (set it with {@link #after} and {@link #within}). */
  public static Expect reconnect() {
    return of("reconnect", Map.of());
  }

  /** No attempt follows a fatal end for that long ({@link #after}, {@link #lasting}). */
  public static Expect noReconnect() {
    return of("no_reconnect", Map.of());
  }

  /** The delays between failed attempts fit a capped geometric envelope ({@link #param} for its bounds). */
  public static Expect backoff() {
    return of("backoff", Map.of());
  }

  /** No reconnect storm: at most {@code count} attempts in any window of {@code per}. */
  public static Expect maxAttempts(int count, Duration per) {
    return of("max_attempts", Entries.ordered("count", count, "per", per));
  }

  /** The client sends a heartbeat at least every {@code every} while idle. */
  public static Expect heartbeat(Duration every) {
    return of("heartbeat", Map.of("every", every));
  }

  /** After a blackhole starts, the client closes that link or opens a new one within the bound. */
  public static Expect detectsDeadLink(Duration within) {
    return of("detects_dead_link", Map.of("within", within));
  }

  /** The client ends its links with a proper close. */
  public static Expect closesCleanly() {
    return of("closes_cleanly", Map.of());
  }

  /** What the client sent arrives toward {@code to} (with a {@code seq} or {@code match} parameter). */
  public static Expect delivered(Side to) {
    return of("delivered", Map.of("to", to));
  }

  /** A general count over the timeline: events of {@code kind} ({@code attempt}, {@code open}, {@code message}…). */
  public static Expect events(String kind) {
    return of("events", Map.of("kind", kind));
  }

  /** Which ends anchor it ({@code after}). */
  public Expect after(End end) {
    return param("after", end.node());
  }

  /** The longest allowed delay ({@code within}). */
  public Expect within(Duration within) {
    return param("within", within);
  }

  /** How long an observation window lasts (the schema's {@code for}). */
  public Expect lasting(Duration d) {
    return param("for", d);
  }

  /** Any parameter: a number, string, boolean, Duration, Side, Map or List. */
  public Expect param(String key, Object value) {
    ObjectNode p = params.deepCopy();
    p.set(key, Entries.value(value));
    return new Expect(name, p);
  }

  /** The YAML name: {@code reconnect}. */
  public String name() {
    return name;
  }

  /** Checks the parameters now; throws {@link ConfigException} with located problems. */
  public Expect check() {
    expectation();
    return this;
  }

  /** The judging object of the catalogue, bound and validated like a scenario's {@code expect} entry. */
  Expectation expectation() {
    try {
      return CATALOG.create(name, params, "expect." + name);
    } catch (SpecException e) {
      throw new ConfigException(e.problems().stream().map(Object::toString).toList());
    }
  }

  /** The entry as the scenario file writes it: {@code {reconnect: {after: {close: 1001}, within: 3s}}}. */
  JsonNode entry() {
    ObjectNode o = Entries.object();
    o.set(name, params.deepCopy());
    return o;
  }

  @Override
  public String toString() {
    return Entries.flow(entry());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Expect x && x.name.equals(name) && x.params.equals(params);
  }

  @Override
  public int hashCode() {
    return name.hashCode() * 31 + params.hashCode();
  }
}
