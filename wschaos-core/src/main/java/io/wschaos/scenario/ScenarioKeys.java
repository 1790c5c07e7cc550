package io.wschaos.scenario;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The keys of a scenario file, section by section, with one line each: what the loader accepts
 * and what {@link ScenarioSchema} describes, from one list so the two cannot drift.
 */
final class ScenarioKeys {
  private ScenarioKeys() {}

  static final Map<String, String> TOP = ordered(
      "name", "The scenario's name in reports and JUnit XML (default: the file name without .yaml).",
      "description", "One or two sentences: what goes wrong and what the client must do.",
      "tags", "Labels to group and select scenarios.",
      "seed", "Every random choice derives from it (default: derived from the name).",
      "server", "The real upstream: one of builtin, url or command.",
      "client", "The real client under test: command or external (absent: wschaos run --client gives it).",
      "proxy", "Proxy settings: idle_timeout.",
      "duration", "The hard stop, e.g. 20s; the run ends earlier once every verdict is final. Required.",
      "tolerance", "Leniency of every duration comparison: a duration, or {absolute, relative} (default 100ms + 5 %).",
      "messages", "What sequence numbers, acks, heartbeats and client ids look like in this application.",
      "faults", "What goes wrong: fault entries with triggers.",
      "expect", "What the client must do about it: expectation entries. Required, at least one.");

  /** What a suite's wschaos.yaml may hold: every top-level key but the scenario's own name. */
  static final Set<String> DEFAULTS = Set.of("description", "tags", "seed", "server", "client", "proxy", "duration", "tolerance", "messages", "faults", "expect");

  static final Map<String, String> SERVER = ordered(
      "builtin", "The embedded demo server by name: feed.",
      "options", "The builtin server's options (feed: rate, resend_after, require_token).",
      "url", "An already running server: ws://host:port/path or wss://….",
      "command", "A server the runner starts and stops (under /bin/sh -c); it gets PORT in its environment.",
      "port", "With command: fixes its port instead of a free one.",
      "ready", "With command: {timeout: 10s}, how long its port may take to accept connections.",
      "path", "With command: the WebSocket path (default /).",
      "env", "With command: extra environment variables.");

  static final List<String> SERVER_KINDS = List.of("builtin", "url", "command");

  static final Set<String> BUILTIN_SERVERS = Set.of("feed");

  static final Map<String, String> FEED_OPTIONS = ordered(
      "rate", "Data messages per second (default 10; 0 sends none).",
      "resend_after", "Resend unacked data after this long (default: off).",
      "require_token", "Require ?token= from GET /token (default false).");

  static final Map<String, String> READY = ordered("timeout", "How long the command's port may take to accept connections (default 10s).");

  static final Map<String, String> CLIENT = ordered(
      "command", "Started once per instance; gets WSCHAOS_URL, WSCHAOS_INSTANCE, WSCHAOS_SCENARIO and WSCHAOS_SEED.",
      "external", "true: wait for a client started elsewhere (a browser, a phone).",
      "instances", "How many clients (default 1; ≥ 10 for herd); each gets its own proxy port.",
      "wait", "With external: how long the client may take to connect (default 60s).",
      "env", "With command: extra environment variables.");

  static final Map<String, String> PROXY = ordered(
      "idle_timeout", "Cut links idle that long, like a reverse proxy's read timeout (an idle_timeout fault); off when absent.",
      "upstream_timeout", "How long the server may take to answer a handshake before the client gets 504 (default 60s).");

  static final Map<String, String> TOLERANCE = ordered(
      "absolute", "A duration added to every bound (default 100ms).",
      "relative", "A fraction of the bound added to it, in [0, 1) (default 0.05).");

  static final Map<String, String> DECLARATION = ordered(
      "to", "The direction: server or client.",
      "match", "Which messages: {field: value} (keys are fields or JSON pointers; values literals or {regex|exists|gt|gte|lt|lte}).",
      "field", "The JSON pointer of the number, e.g. /seq (absent for heartbeats).");

  static final Map<String, String> CLIENT_ID = ordered(
      "query", "A query key of the handshake.",
      "header", "A handshake header.",
      "cookie", "A cookie of the handshake.",
      "field", "A JSON pointer into the client's first message.");

  /** Expectations that count attempts: a refused connection is invisible to them. */
  static final Set<String> COUNTING = Set.of("no_reconnect", "max_attempts", "backoff", "herd");

  /** herd needs this many instances (DESIGN.md, Expectations, exactly). */
  static final int HERD_MIN_INSTANCES = 10;

  static final int MAX_INSTANCES = 1000;

  private static Map<String, String> ordered(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(m);
  }
}
