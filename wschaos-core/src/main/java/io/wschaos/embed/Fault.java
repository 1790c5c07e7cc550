package io.wschaos.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;

/**
 * One fault entry of the scenario schema, built in Java: an immutable value whose every method
 * returns a changed copy. {@code Fault.close(1001).to(CLIENT).on(On.open(1)).after(ofSeconds(2))} is
 * the entry {@code {close: {code: 1001, to: client}, on: {open: 1}, after: 2s}}. It is checked when
 * a proxy adds it, by the same parser as scenario files and the control API, so a bad value gets
 * the same located error ({@code fault.close.code: 999 is not a valid close code …}).
 *
 * <p>The factories cover the common faults; {@link #of(String, Map)} reaches every fault of
 * docs/faults.md by its YAML name, and {@link #param} sets any parameter.
 */
public final class Fault {
  private final String name;
  private final ObjectNode entry;

  private Fault(String name, ObjectNode entry) {
    this.name = name;
    this.entry = entry;
  }

  /** The fault {@code name} (its YAML name, e.g. {@code stall}) with these parameters. */
  public static Fault of(String name, Map<String, ?> params) {
    ObjectNode e = Entries.object();
    e.set(name, Entries.value(params == null ? Map.of() : params));
    return new Fault(name, e);
  }

  /** A clean close with {@code code} (to: client by default; the other leg gets 1001). */
  public static Fault close(int code) {
    return of("close", Map.of("code", code));
  }

  /** The TCP connection dies with no close frame (mode reset, to: both by default): the client sees 1006. */
  public static Fault abort() {
    return of("abort", Map.of());
  }

  /** Every message toward {@code to} arrives {@code by} late, order kept. */
  public static Fault delay(Side to, Duration by) {
    return of("delay", Entries.ordered("to", to, "by", by));
  }

  /** Drops the first {@code first} messages toward {@code to}. */
  public static Fault drop(Side to, int first) {
    return of("drop", Entries.ordered("to", to, "first", first));
  }

  /** A half-open link: nothing arrives, nothing closes (then abort by default). */
  public static Fault blackhole() {
    return of("blackhole", Map.of());
  }

  /** Messages held, then released in order when the fault ends. */
  public static Fault stall(Side to) {
    return of("stall", Map.of("to", to));
  }

  /** A deploy or crash window: new connections are reset (mode reset by default). */
  public static Fault serverDown() {
    return of("server_down", Map.of());
  }

  /** Handshakes answered with this HTTP status (401, 403, 429, 503…). */
  public static Fault rejectHandshake(int status) {
    return of("reject_handshake", Map.of("status", status));
  }

  /** A message nobody sent, toward {@code to}. */
  public static Fault injectText(Side to, String text) {
    return of("inject", Entries.ordered("to", to, "text", text));
  }

  /** A preset (docs/faults.md, Presets) such as {@code rolling_restart}, with its parameters. */
  public static Fault preset(String name, Map<String, ?> params) {
    return of(name, params);
  }

  /** Reads one fault entry written in YAML or JSON, e.g. {@code "{delay: {to: client, by: 200ms}, for: 5s}"}. */
  public static Fault parse(String entry) {
    JsonNode n = Entries.read(entry, "fault");
    if (!(n instanceof ObjectNode o)) {
      throw new ConfigException(java.util.List.of("fault: a fault entry is an object: a fault name with its parameters, and trigger keys"));
    }
    String name = null;
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!io.wschaos.fault.FaultEntryParser.TRIGGER_KEYS.contains(k)) {
        name = k;
        break;
      }
    }
    return new Fault(name, o);
  }

  // ---- the fault's own parameters ----

  /** {@code to: client|server|both}. */
  public Fault to(Side side) {
    return param("to", side);
  }

  /** The close reason (with {@link #close}). */
  public Fault reason(String reason) {
    return param("reason", reason);
  }

  /** Any parameter of the fault: a number, string, boolean, Duration, Side, Map or List. */
  public Fault param(String key, Object value) {
    if (name == null) {
      throw new IllegalStateException("this entry names no fault");
    }
    ObjectNode e = entry.deepCopy();
    JsonNode params = e.get(name);
    ObjectNode p = params instanceof ObjectNode o ? o : e.putObject(name);
    p.set(key, Entries.value(value));
    return new Fault(name, e);
  }

  // ---- the trigger ----

  /** Starts when {@code on} happens ({@code on: {open: 1}}). */
  public Fault on(On on) {
    return trigger("on", on.node());
  }

  /** With {@link #on}: fires that long after the trigger. */
  public Fault after(Duration after) {
    return trigger("after", Entries.value(after));
  }

  /** At proxy time {@code at} (t = 0 when the proxy started listening, or its last reset). */
  public Fault at(Duration at) {
    return trigger("at", Entries.value(at));
  }

  /** The fault lasts that long, then is removed (the schema's {@code for}). */
  public Fault lasting(Duration d) {
    return trigger("for", Entries.value(d));
  }

  /** Repeats every {@code every} (with {@link #at} and {@link #lasting} shorter than it). */
  public Fault every(Duration every) {
    return trigger("every", Entries.value(every));
  }

  /** Each candidate message fires the fault with this chance, drawn from the proxy's seed. */
  public Fault probability(double p) {
    return trigger("probability", Entries.value(p));
  }

  /** Which links: {@code current}, {@code all} or a link number. */
  public Fault link(Object which) {
    return trigger("link", Entries.value(which));
  }

  private Fault trigger(String key, JsonNode value) {
    ObjectNode e = entry.deepCopy();
    e.set(key, value);
    return new Fault(name, e);
  }

  /** The fault's YAML name ({@code close}), or null when a parsed entry names none. */
  public String name() {
    return name;
  }

  /** The entry as JSON, as the control API's {@code POST /api/faults} takes it. */
  public String toJson() {
    return entry.toString();
  }

  ObjectNode entry() {
    return entry.deepCopy();
  }

  /** The entry in YAML flow style: {@code {close: {code: 1001, to: client}, on: {open: 1}, after: 2s}}. */
  @Override
  public String toString() {
    return Entries.flow(entry);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Fault f && f.entry.equals(entry);
  }

  @Override
  public int hashCode() {
    return entry.hashCode();
  }
}
