package io.wschaos.scenario;

import static io.wschaos.scenario.ScenarioKeys.COUNTING;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wschaos.expect.Expectation;
import io.wschaos.expect.Messages;
import io.wschaos.spec.Catalog;
import io.wschaos.fault.FaultEntryParser;
import io.wschaos.fault.FaultSpec;
import io.wschaos.fault.Trigger;
import io.wschaos.frame.Direction;
import io.wschaos.spec.Durations;
import io.wschaos.spec.ParamException;
import io.wschaos.spec.Problem;
import io.wschaos.spec.SpecException;
import io.wschaos.spec.Suggest;
import io.wschaos.spec.Tolerance;
import io.wschaos.timeline.MessageMatcher;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns one scenario tree (already merged with its suite's wschaos.yaml) into a {@link Scenario},
 * collecting every problem by key path: keys, types and values of each section, then the rules that
 * span sections (docs/expectations.md, "The words every expectation uses"). Locations are added by the loader.
 */
final class ScenarioBuilder {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_CLIENT_WAIT = Duration.ofSeconds(60);

  private final FaultEntryParser faultParser;
  private final Catalog<Expectation> expectations;
  private final List<Problem> issues = new ArrayList<>();

  /** A parsed fault entry: its position, its id as written or by position, and its specs (null when it had problems). */
  private record FaultEntry(int index, String id, JsonNode raw, List<FaultSpec> specs) {
    String path() {
      return "faults[" + index + "]";
    }
  }

  ScenarioBuilder(FaultEntryParser faultParser, Catalog<Expectation> expectations) {
    this.faultParser = faultParser;
    this.expectations = expectations;
  }

  List<Problem> issues() {
    return issues;
  }

  /**
   * Checks {@code root}. A scenario (null if anything was wrong), or, for a suite's wschaos.yaml
   * ({@code defaultsFile}), always null: its sections are checked, nothing is required.
   */
  Scenario build(JsonNode root, Path file, String defaultName, boolean defaultsFile) {
    if (root == null || root.isMissingNode() || root.isNull()) {
      issues.add(new Problem("", defaultsFile
          ? "empty file: a suite's wschaos.yaml holds settings its scenarios share (messages, server, client, duration…)"
          : "empty file: a scenario is a mapping with at least server, duration and expect"));
      return null;
    }
    if (!(root instanceof ObjectNode top)) {
      issues.add(new Problem("", "a scenario file is a mapping of keys (name, server, faults, expect…), found " + describe(root)));
      return null;
    }
    Set<String> allowed = defaultsFile ? ScenarioKeys.DEFAULTS : ScenarioKeys.TOP.keySet();
    for (Iterator<String> it = top.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (defaultsFile && k.equals("name")) {
        issues.add(Problem.atKey(k, "a suite's wschaos.yaml holds shared settings; each scenario names itself"));
      } else if (!allowed.contains(k)) {
        issues.add(unknownKey(k, k, ScenarioKeys.TOP.keySet()));
      }
    }

    String name = name(top.get("name"), defaultName);
    String description = text(top.get("description"), "description", "a sentence or two");
    List<String> tags = tags(top.get("tags"));
    long seed = seed(top.get("seed"), name);
    ServerSpec server = server(top.get("server"), defaultsFile);
    ClientSpec client = client(top.get("client"));
    ProxySpec proxy = proxy(top.get("proxy"));
    Duration duration = null;
    if (top.has("duration")) {
      duration = positiveDuration(top.get("duration"), "duration");
    } else if (!defaultsFile) {
      issues.add(new Problem("duration", "missing: the hard stop of the run, e.g. duration: 20s (here or in the suite's wschaos.yaml)"));
    }
    Tolerance tolerance = tolerance(top.get("tolerance"));
    Messages messages = messages(top.get("messages"));
    List<FaultEntry> faultEntries = faults(top.get("faults"));
    List<FaultSpec> faults = new ArrayList<>();
    for (FaultEntry e : faultEntries) {
      if (e.specs() != null) {
        faults.addAll(e.specs());
      }
    }
    if (proxy != null && proxy.idleTimeout() != null) {
      faults.addAll(idleTimeout(top.path("proxy").path("idle_timeout").asText()));
    }
    duplicateFaultIds(faultEntries);
    List<ExpectationSpec> expect = expect(top.get("expect"), defaultsFile);

    if (!defaultsFile) {
      if (duration != null) {
        windowsEndBeforeDuration(faultEntries, duration);
      }
      countingOverRefuse(top.get("expect"), faultEntries);
      tlsFaultsNeedTls(faultEntries, proxy);
      herdHasInstances(top.get("expect"), client);
      deviceFaultsNeedABrowser(faultEntries, client);
      if (duration != null) {
        expectationWindowsEndBeforeDuration(top.get("expect"), faultEntries, duration);
      }
      blackholeOutlastsDetection(top.get("expect"), faultEntries, tolerance);
      survivesCountsAResponse(top.get("expect"), messages);
      references(top.get("expect"), faultEntries, faults, messages);
    }
    if (defaultsFile || !issues.isEmpty()) {
      return null;
    }
    return new Scenario(file, name, description, tags, seed, server, client, proxy, duration, tolerance, messages, List.copyOf(faults), expect);
  }

  // ---- top-level values

  private String name(JsonNode n, String defaultName) {
    if (n == null) {
      return defaultName;
    }
    if (!n.isTextual() || !NAME.matcher(n.asText()).matches()) {
      issues.add(new Problem("name", describe(n) + " is not a scenario name: letters, digits, '-', '_' and '.', e.g. reconnects-after-going-away"));
      return defaultName;
    }
    return n.asText();
  }

  private List<String> tags(JsonNode n) {
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      issues.add(new Problem("tags", "expected a list of tags, e.g. [reconnect], got " + describe(n)));
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      JsonNode t = n.get(i);
      if (!t.isTextual() || t.asText().isBlank()) {
        issues.add(new Problem("tags[" + i + "]", "expected a tag (a word), got " + describe(t)));
      } else {
        out.add(t.asText());
      }
    }
    return List.copyOf(out);
  }

  private long seed(JsonNode n, String name) {
    if (n == null) {
      return seedOf(name);
    }
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      issues.add(new Problem("seed", "expected a whole number, e.g. 42, got " + describe(n)));
      return 0;
    }
    return n.asLong();
  }

  /**
   * The seed of a scenario that sets none: the first 8 bytes of SHA-256 of its name (UTF-8),
   * big-endian, top bit cleared. Stable across runs and machines; different per scenario.
   */
  static long seedOf(String name) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      long s = 0;
      for (int i = 0; i < 8; i++) {
        s = (s << 8) | (h[i] & 0xff);
      }
      return s & Long.MAX_VALUE;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private Tolerance tolerance(JsonNode n) {
    if (n == null) {
      return Tolerance.DEFAULT;
    }
    if (n instanceof ObjectNode o) {
      onlyKeys(o, "tolerance", ScenarioKeys.TOLERANCE.keySet());
      Duration absolute = o.has("absolute") ? duration(o.get("absolute"), "tolerance.absolute") : Tolerance.DEFAULT.absolute();
      Double relative = Tolerance.DEFAULT.relative();
      if (o.has("relative")) {
        relative = o.get("relative").isNumber() ? o.get("relative").asDouble() : null;
        if (relative == null) {
          issues.add(new Problem("tolerance.relative", "expected a fraction in [0, 1), e.g. 0.05, got " + describe(o.get("relative"))));
        }
      }
      if (absolute == null || relative == null) {
        return Tolerance.DEFAULT;
      }
      try {
        return new Tolerance(absolute, relative);
      } catch (ParamException e) {
        issues.add(new Problem("tolerance." + e.key(), e.getMessage()));
        return Tolerance.DEFAULT;
      }
    }
    if (n.isTextual() || n.isNumber()) {
      Duration d = duration(n, "tolerance");
      return d == null ? Tolerance.DEFAULT : new Tolerance(d, 0);
    }
    issues.add(new Problem("tolerance", "expected a duration (100ms) or {absolute: 100ms, relative: 0.05}, got " + describe(n)));
    return Tolerance.DEFAULT;
  }

  // ---- server, client, proxy

  private ServerSpec server(JsonNode n, boolean defaultsFile) {
    if (n == null) {
      if (!defaultsFile) {
        issues.add(new Problem("server", "missing: the real upstream, one of builtin: feed, url: ws://… or command: … (here or in the suite's wschaos.yaml)"));
      }
      return null;
    }
    ObjectNode o = object(n, "server", "the real upstream: {builtin: feed}, {url: ws://…} or {command: …}");
    if (o == null) {
      return null;
    }
    onlyKeys(o, "server", ScenarioKeys.SERVER.keySet());
    List<String> kinds = new ArrayList<>();
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (ScenarioKeys.SERVER_KINDS.contains(k)) {
        kinds.add(k);
      }
    }
    if (kinds.isEmpty()) {
      issues.add(Problem.atKey("server", "server needs one of builtin, url or command"));
    }
    for (String extra : kinds.subList(Math.min(1, kinds.size()), kinds.size())) {
      issues.add(Problem.atKey("server." + extra, "server takes one of builtin, url or command, not both " + kinds.get(0) + " and " + extra));
    }
    String builtin = null;
    Map<String, Object> options = Map.of();
    if (o.has("builtin")) {
      builtin = text(o.get("builtin"), "server.builtin", "a builtin server's name (feed)");
      if (builtin != null && !ScenarioKeys.BUILTIN_SERVERS.contains(builtin)) {
        issues.add(new Problem("server.builtin", "unknown builtin server '" + builtin + "' (builtin servers: " + String.join(", ", new TreeSet<>(ScenarioKeys.BUILTIN_SERVERS)) + ")" + Suggest.hint(builtin, ScenarioKeys.BUILTIN_SERVERS)));
      }
    }
    if (o.has("options")) {
      if (!o.has("builtin")) {
        issues.add(Problem.atKey("server.options", "options go with builtin (the embedded server's settings)"));
      } else {
        options = feedOptions(o.get("options"));
      }
    }
    String url = null;
    if (o.has("url")) {
      url = text(o.get("url"), "server.url", "a WebSocket URL, ws://host:port/path or wss://…");
      if (url != null) {
        checkUrl(url);
      }
    }
    String command = null;
    if (o.has("command")) {
      command = text(o.get("command"), "server.command", "a shell command that starts the server");
    }
    for (String k : List.of("port", "ready", "path", "env")) {
      if (o.has(k) && !o.has("command")) {
        issues.add(Problem.atKey("server." + k, k + " goes with command (a server the runner starts)"));
      }
    }
    Integer port = o.has("port") ? integer(o.get("port"), "server.port", 1, 65535, "a port, 1 to 65535") : null;
    Duration ready = o.has("command") ? DEFAULT_READY_TIMEOUT : null;
    if (o.has("ready")) {
      ObjectNode r = object(o.get("ready"), "server.ready", "{timeout: 10s}");
      if (r != null) {
        onlyKeys(r, "server.ready", ScenarioKeys.READY.keySet());
        if (r.has("timeout")) {
          ready = positiveDuration(r.get("timeout"), "server.ready.timeout");
        }
      }
    }
    String path = o.has("command") ? "/" : null;
    if (o.has("path")) {
      path = text(o.get("path"), "server.path", "a path starting with /");
      if (path != null && !path.startsWith("/")) {
        issues.add(new Problem("server.path", "'" + path + "' is not a path: it starts with /"));
      }
    }
    Map<String, String> env = o.has("env") ? env(o.get("env"), "server.env") : Map.of();
    return new ServerSpec(builtin, options, url, command, port, ready, path, env);
  }

  private Map<String, Object> feedOptions(JsonNode n) {
    ObjectNode o = object(n, "server.options", "the feed server's options: {rate, resend_after, require_token}");
    if (o == null) {
      return Map.of();
    }
    onlyKeys(o, "server.options", ScenarioKeys.FEED_OPTIONS.keySet());
    Map<String, Object> out = new LinkedHashMap<>();
    if (o.has("rate")) {
      JsonNode r = o.get("rate");
      if (!r.isNumber() || r.asDouble() < 0) {
        issues.add(new Problem("server.options.rate", "expected messages per second ≥ 0, e.g. 10, got " + describe(r)));
      } else {
        out.put("rate", r.asDouble());
      }
    }
    if (o.has("resend_after")) {
      Duration d = positiveDuration(o.get("resend_after"), "server.options.resend_after");
      if (d != null) {
        out.put("resend_after", d);
      }
    }
    if (o.has("require_token")) {
      Boolean b = bool(o.get("require_token"), "server.options.require_token");
      if (b != null) {
        out.put("require_token", b);
      }
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  private void checkUrl(String url) {
    try {
      URI u = new URI(url);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("ws") && !scheme.equals("wss") || u.getHost() == null) {
        issues.add(new Problem("server.url", "'" + url + "' is not a WebSocket URL (ws://host:port/path or wss://…)"));
      }
    } catch (URISyntaxException e) {
      issues.add(new Problem("server.url", "'" + url + "' is not a URL: " + e.getReason()));
    }
  }

  private ClientSpec client(JsonNode n) {
    if (n == null) {
      return new ClientSpec(null, 1, false, null, Map.of());
    }
    ObjectNode o = object(n, "client", "{command: …, instances: N} or {external: true}");
    if (o == null) {
      return null;
    }
    onlyKeys(o, "client", ScenarioKeys.CLIENT.keySet());
    String command = o.has("command") ? text(o.get("command"), "client.command", "a shell command that starts the client") : null;
    boolean external = o.has("external") && Boolean.TRUE.equals(bool(o.get("external"), "client.external"));
    if (o.has("command") && external) {
      issues.add(Problem.atKey("client.external", "client takes command or external: true, not both"));
    }
    ClientSpec.BrowserSpec browser = o.has("browser") ? browser(o.get("browser")) : null;
    if (o.has("browser") && (o.has("command") || external)) {
      issues.add(Problem.atKey("client.browser", "client takes one of command, browser or external: true"));
    }
    int instances = 1;
    if (o.has("instances")) {
      Integer i = integer(o.get("instances"), "client.instances", 1, ScenarioKeys.MAX_INSTANCES, "a number of clients, 1 to " + ScenarioKeys.MAX_INSTANCES);
      instances = i == null ? 1 : i;
    }
    Duration wait = external ? DEFAULT_CLIENT_WAIT : null;
    if (o.has("wait")) {
      if (!external) {
        issues.add(Problem.atKey("client.wait", "wait goes with external: true (how long a client started elsewhere may take)"));
      } else {
        wait = positiveDuration(o.get("wait"), "client.wait");
      }
    }
    Map<String, String> env = Map.of();
    if (o.has("env")) {
      if (!o.has("command") && !o.has("browser")) {
        issues.add(Problem.atKey("client.env", "env goes with command or browser (a client the runner starts)"));
      } else {
        env = env(o.get("env"), "client.env");
      }
    }
    return new ClientSpec(command, instances, external, wait, env, browser);
  }

  /** {@code browser: {page: FILE}} or {@code browser: {url: http://…}}. */
  private ClientSpec.BrowserSpec browser(JsonNode n) {
    ObjectNode o = object(n, "client.browser", "{page: path/to/index.html} or {url: http://…}");
    if (o == null) {
      return null;
    }
    onlyKeys(o, "client.browser", ScenarioKeys.BROWSER.keySet());
    String page = o.has("page") ? text(o.get("page"), "client.browser.page", "the path of an HTML file") : null;
    String url = o.has("url") ? text(o.get("url"), "client.browser.url", "an http:// or https:// URL") : null;
    if (o.has("page") == o.has("url")) {
      issues.add(Problem.atKey("client.browser", "browser takes exactly one of page (a local HTML file) or url (an http(s) page)"));
      return null;
    }
    if (url != null && !url.matches("(?i)https?://\\S+")) {
      issues.add(new Problem("client.browser.url", "'" + url + "' is not an http:// or https:// URL"));
      return null;
    }
    return page == null && url == null ? null : new ClientSpec.BrowserSpec(page, url);
  }

  /** Device faults (offline, freeze, hidden, sleep, throttle_network) act on a browser page: a process client has none. */
  private void deviceFaultsNeedABrowser(List<FaultEntry> entries, ClientSpec client) {
    if (client == null || client.isBrowser()) {
      return;
    }
    for (FaultEntry e : entries) {
      if (e.specs() == null) {
        continue;
      }
      for (FaultSpec f : e.specs()) {
        if (f.fault().device()) {
          String what = client.external() ? "an external client" : client.command() != null ? "the command '" + client.command() + "'" : "no client (wschaos run --client gives one)";
          issues.add(Problem.atKey("faults[" + e.index() + "]." + f.name(), f.name() + " is a device fault: it acts on a page in headless Chromium, so it needs"
              + " client: {browser: {page: …}}, but this scenario's client is " + what));
        }
      }
    }
  }

  private ProxySpec proxy(JsonNode n) {
    if (n == null) {
      return new ProxySpec(null);
    }
    ObjectNode o = object(n, "proxy", "proxy settings, e.g. {idle_timeout: 60s}");
    if (o == null) {
      return new ProxySpec(null);
    }
    onlyKeys(o, "proxy", ScenarioKeys.PROXY.keySet());
    return new ProxySpec(
        o.has("idle_timeout") ? positiveDuration(o.get("idle_timeout"), "proxy.idle_timeout") : null,
        o.has("upstream_timeout") ? positiveDuration(o.get("upstream_timeout"), "proxy.upstream_timeout") : null,
        o.has("tls") && Boolean.TRUE.equals(bool(o.get("tls"), "proxy.tls")),
        o.has("upstream_ca") ? text(o.get("upstream_ca"), "proxy.upstream_ca", "a PEM file of certificates, relative to the scenario file") : null);
  }

  /** A tls fault needs the client leg to be TLS: {@code proxy: {tls: true}}. */
  private void tlsFaultsNeedTls(List<FaultEntry> entries, ProxySpec proxy) {
    if (proxy != null && proxy.tls()) {
      return;
    }
    for (FaultEntry e : entries) {
      if (e.raw() != null && e.raw().has("tls")) {
        issues.add(Problem.atKey(e.path() + ".tls", "a tls fault needs a TLS listener: add proxy: {tls: true} to the scenario (the client then connects to wss://)"));
      }
    }
  }

  /**
   * {@code proxy.idle_timeout: 60s} is the fault entry {@code {idle_timeout: {idle: 60s}}} for the
   * whole run, id {@code proxy.idle_timeout}; {@code idle} as written.
   */
  private List<FaultSpec> idleTimeout(String idle) {
    ObjectNode entry = F.objectNode();
    entry.putObject("idle_timeout").put("idle", idle);
    try {
      return faultParser.parse(entry, "proxy", "proxy.idle_timeout");
    } catch (SpecException e) {
      e.problems().forEach(p -> issues.add(naming(p)));
      return List.of();
    }
  }

  // ---- messages

  Messages messages(JsonNode n) {
    if (n == null || n.isNull()) {
      return Messages.NONE;
    }
    ObjectNode o = object(n, "messages", "declarations by name, e.g. {seq: {to: client, match: {type: data}, field: /seq}}");
    if (o == null) {
      return Messages.NONE;
    }
    Map<String, Messages.Declaration> declared = new LinkedHashMap<>();
    Messages.ClientId clientId = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String path = "messages." + e.getKey();
      if (e.getKey().equals("client_id")) {
        clientId = clientId(e.getValue(), path);
      } else {
        Messages.Declaration d = declaration(e.getKey(), e.getValue(), path);
        if (d != null) {
          declared.put(e.getKey(), d);
        }
      }
    }
    return new Messages(java.util.Collections.unmodifiableMap(declared), clientId);
  }

  private Messages.Declaration declaration(String name, JsonNode n, String path) {
    ObjectNode o = object(n, path, "{to, match, field}, e.g. {to: client, match: {type: data}, field: /seq}");
    if (o == null) {
      return null;
    }
    int before = issues.size();
    onlyKeys(o, path, ScenarioKeys.DECLARATION.keySet());
    Direction to = null;
    if (!o.has("to")) {
      issues.add(Problem.atKey(path, "a declaration needs to: server or client"));
    } else {
      to = direction(o.get("to"), path + ".to");
    }
    MessageMatcher match = null;
    if (o.has("match")) {
      match = MessageMatcher.parse(o.get("match"), (k, msg) -> issues.add(new Problem(path + ".match" + (k.isEmpty() ? "" : "." + k), msg)));
    }
    String field = o.has("field") ? pointer(o.get("field"), path + ".field") : null;
    if (!o.has("match") && !o.has("field")) {
      issues.add(Problem.atKey(path, "a declaration needs match (which messages), field (where their number is), or both"));
    }
    return issues.size() > before ? null : new Messages.Declaration(name, to, match, field);
  }

  private Messages.ClientId clientId(JsonNode n, String path) {
    ObjectNode o = object(n, path, "one of {query: KEY}, {header: NAME}, {cookie: NAME} or {field: /POINTER}");
    if (o == null) {
      return null;
    }
    onlyKeys(o, path, ScenarioKeys.CLIENT_ID.keySet());
    List<String> kinds = new ArrayList<>();
    o.fieldNames().forEachRemaining(k -> {
      if (ScenarioKeys.CLIENT_ID.containsKey(k)) {
        kinds.add(k);
      }
    });
    if (kinds.size() != 1) {
      issues.add(Problem.atKey(path, "client_id takes exactly one of query, header, cookie or field" + (kinds.isEmpty() ? "" : ", found " + String.join(" and ", kinds))));
      return null;
    }
    String kind = kinds.get(0);
    String v = kind.equals("field") ? pointer(o.get(kind), path + ".field") : text(o.get(kind), path + "." + kind, "a " + kind + " name");
    if (v == null) {
      return null;
    }
    return switch (kind) {
      case "query" -> new Messages.ClientId(v, null, null, null);
      case "header" -> new Messages.ClientId(null, v, null, null);
      case "cookie" -> new Messages.ClientId(null, null, v, null);
      default -> new Messages.ClientId(null, null, null, v);
    };
  }

  private String pointer(JsonNode n, String path) {
    String p = text(n, path, "a JSON pointer, e.g. /seq");
    if (p == null) {
      return null;
    }
    if (!p.startsWith("/")) {
      issues.add(new Problem(path, "'" + p + "' is not a JSON pointer: it starts with /, e.g. /" + p));
      return null;
    }
    try {
      JsonPointer.compile(p);
      return p;
    } catch (IllegalArgumentException e) {
      issues.add(new Problem(path, "'" + p + "' is not a JSON pointer: " + e.getMessage()));
      return null;
    }
  }

  // ---- faults

  private List<FaultEntry> faults(JsonNode n) {
    if (n == null || n.isNull()) {
      return List.of();
    }
    if (!n.isArray()) {
      issues.add(new Problem("faults", "expected a list of fault entries (- close: {code: 1001}), got " + describe(n)));
      return List.of();
    }
    List<FaultEntry> out = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      JsonNode entry = n.get(i);
      String defaultId = "f" + (i + 1);
      JsonNode idNode = entry.get("id");
      String id = idNode != null && idNode.isTextual() ? idNode.asText() : defaultId;
      try {
        out.add(new FaultEntry(i, id, entry, faultParser.parse(entry, "faults[" + i + "]", defaultId)));
      } catch (SpecException e) {
        e.problems().forEach(p -> issues.add(naming(p)));
        out.add(new FaultEntry(i, id, entry, null));
      }
    }
    return out;
  }

  private void duplicateFaultIds(List<FaultEntry> entries) {
    Map<String, FaultEntry> seen = new HashMap<>();
    for (FaultEntry e : entries) {
      Set<String> ids = new LinkedHashSet<>();
      ids.add(e.id());
      if (e.specs() != null) {
        e.specs().forEach(s -> ids.add(s.id()));
      }
      for (String id : ids) {
        FaultEntry first = seen.putIfAbsent(id, e);
        if (first != null && first != e) {
          String where = e.raw().has("id") ? e.path() + ".id" : e.path();
          issues.add(new Problem(where, "duplicate fault id '" + id + "'" + (e.raw().has("id") ? "" : " (its id by position)") + ": " + first.path()
              + " has it too (ids name faults in expectations, reports and the API)"));
          break;
        }
      }
    }
  }

  /** docs/scenarios.md: windows known in advance (time-anchored, {@code at}) must end before {@code duration}. */
  private void windowsEndBeforeDuration(List<FaultEntry> entries, Duration duration) {
    for (FaultEntry e : entries) {
      if (e.specs() == null) {
        continue;
      }
      Set<String> said = new LinkedHashSet<>();
      for (FaultSpec s : e.specs()) {
        Trigger t = s.trigger();
        if (t == null) {
          continue;
        }
        if (t.at() != null && t.at().compareTo(duration) >= 0) {
          report(said, e.path() + ".at", "at " + Durations.format(t.at()) + " is not before duration " + Durations.format(duration) + ": the fault would never start");
        } else if (t.at() != null && t.duration() != null && t.at().plus(t.duration()).compareTo(duration) > 0) {
          String path = e.raw().has("for") ? e.path() + ".for" : e.path();
          String who = e.specs().size() > 1 ? "part " + s.id() + " (" + s.name() + ") of " + s.preset() : "the fault";
          report(said, path, who + " runs " + Durations.format(t.at()) + "–" + Durations.format(t.at().plus(t.duration()))
              + ", past duration " + Durations.format(duration) + ": a window known in advance must end before the hard stop (start it earlier, shorten for, or lengthen duration)");
        } else if (t.on() != null && t.after() != null && t.after().compareTo(duration) >= 0) {
          report(said, e.path() + ".after", "after " + Durations.format(t.after()) + " is not before duration " + Durations.format(duration) + ": the fault would never start");
        }
      }
    }
  }

  private void report(Set<String> said, String path, String message) {
    if (said.add(path + "\u0000" + message)) {
      issues.add(new Problem(path, message));
    }
  }

  // ---- expectations

  private List<ExpectationSpec> expect(JsonNode n, boolean defaultsFile) {
    if (n == null) {
      if (!defaultsFile) {
        issues.add(new Problem("expect", "missing: a scenario needs at least one expectation to judge, e.g. expect: [{reconnect: {after: any, within: 3s}}]"));
      }
      return List.of();
    }
    if (n.isNull() || n.isArray() && n.isEmpty()) {
      issues.add(Problem.atKey("expect", "expect is empty: a scenario needs at least one expectation to judge, e.g. - reconnect: {after: any, within: 3s}"));
      return List.of();
    }
    if (!n.isArray()) {
      issues.add(new Problem("expect", "expected a list of expectations (- reconnect: {within: 3s}), got " + describe(n)));
      return List.of();
    }
    List<String> names = new ArrayList<>();
    List<Expectation> built = new ArrayList<>();
    List<JsonNode> sources = new ArrayList<>();
    for (int i = 0; i < n.size(); i++) {
      JsonNode entry = n.get(i);
      String path = "expect[" + i + "]";
      String name = expectationName(entry);
      if (name == null) {
        String found = entry instanceof ObjectNode o && o.size() > 1 ? ", found " + String.join(" and ", fieldNames(o)) : ", got " + describe(entry);
        issues.add(new Problem(path, "an expect entry is one expectation name with its parameters, e.g. - reconnect: {after: any, within: 3s}" + found));
        continue;
      }
      JsonNode params = entry.isTextual() ? null : entry.get(name);
      try {
        Expectation x = expectations.create(name, params, entry.isTextual() ? path : path + "." + name);
        names.add(name);
        built.add(x);
        sources.add(entry);
      } catch (SpecException e) {
        e.problems().forEach(p -> issues.add(naming(p)));
      } catch (IllegalArgumentException e) {
        issues.add(new Problem(path + "." + name, e.getMessage()));
      }
    }
    Map<String, Integer> count = new HashMap<>();
    names.forEach(x -> count.merge(x, 1, Integer::sum));
    Map<String, Integer> seen = new HashMap<>();
    List<ExpectationSpec> out = new ArrayList<>();
    for (int i = 0; i < built.size(); i++) {
      String name = names.get(i);
      String id = count.get(name) > 1 ? name + "#" + seen.merge(name, 1, Integer::sum) : name;
      out.add(new ExpectationSpec(id, name, built.get(i), sources.get(i)));
    }
    return List.copyOf(out);
  }

  private static String expectationName(JsonNode entry) {
    if (entry.isTextual() && !entry.asText().isBlank()) {
      return entry.asText();
    }
    if (entry instanceof ObjectNode o && o.size() == 1) {
      return o.fieldNames().next();
    }
    return null;
  }

  /** docs/scenarios.md: validate rejects a counting window that overlaps a server_down refuse window. */
  private void countingOverRefuse(JsonNode expect, List<FaultEntry> entries) {
    if (expect == null || !expect.isArray()) {
      return;
    }
    List<FaultEntry> refusing = new ArrayList<>();
    for (FaultEntry e : entries) {
      JsonNode mode = e.raw().path("server_down").path("mode");
      if (mode.isTextual() && mode.asText().equalsIgnoreCase("refuse")) {
        refusing.add(e);
      }
    }
    if (refusing.isEmpty()) {
      return;
    }
    for (int i = 0; i < expect.size(); i++) {
      String name = expectationName(expect.get(i));
      if (name == null || !COUNTING.contains(name)) {
        continue;
      }
      String path = expect.get(i).isTextual() ? "expect[" + i + "]" : "expect[" + i + "]." + name;
      for (FaultEntry r : refusing) {
        issues.add(Problem.atKey(path, name + " counts the client's attempts, but fault '" + r.id() + "' (" + r.path() + ") is server_down with mode: refuse,"
            + " and refused connections never reach the proxy, so attempts during it would go uncounted;"
            + " use mode: reset (the default) or reject"));
      }
    }
  }

  /** The {@code i}th expect entry's parameters (an object), or null. */
  private static JsonNode params(JsonNode expect, int i, String name) {
    JsonNode e = expect.get(i);
    return e instanceof ObjectNode o && o.get(name) instanceof ObjectNode p ? p : null;
  }

  /** A fault entry by id, when its trigger is a fixed time ({@code at}, no {@code every}): the trigger, else null. */
  private static Trigger fixedTime(List<FaultEntry> entries, String id) {
    for (FaultEntry e : entries) {
      if (e.specs() == null) {
        continue;
      }
      for (FaultSpec s : e.specs()) {
        if ((e.id().equals(id) || s.id().equals(id)) && s.trigger() != null && s.trigger().at() != null && s.trigger().every() == null) {
          return s.trigger();
        }
      }
    }
    return null;
  }

  private Duration quietDuration(JsonNode n) {
    if (n == null || !n.isTextual()) {
      return null;
    }
    try {
      return Durations.parse(n.asText());
    } catch (IllegalArgumentException e) {
      return null; // the expectation's own parsing reports it
    }
  }

  /**
   * docs/expectations.md, "Final": validate rejects every expectation window that follows from the file
   * alone and ends after {@code duration} — {@code events.within}, and {@code no_reconnect.for} or
   * {@code reconnect.within} after a fault with a fixed time — since such a run can only end
   * undecided (or judge a window it never saw whole).
   */
  private void expectationWindowsEndBeforeDuration(JsonNode expect, List<FaultEntry> entries, Duration duration) {
    if (expect == null || !expect.isArray()) {
      return;
    }
    String stop = "duration " + Durations.format(duration);
    for (int i = 0; i < expect.size(); i++) {
      String name = expectationName(expect.get(i));
      JsonNode p = name == null ? null : params(expect, i, name);
      if (p == null) {
        continue;
      }
      String path = "expect[" + i + "]." + name;
      if (name.equals("events") && p.path("within").isArray() && p.get("within").size() == 2) {
        Duration to = quietDuration(p.get("within").get(1));
        if (to != null && to.compareTo(duration) > 0) {
          issues.add(new Problem(path + ".within[1]", "the window ends at " + Durations.format(to) + ", after " + stop
              + ": the run stops before it is over, so the count could never be settled (end it earlier or lengthen duration)"));
        }
      }
      if ((name.equals("no_reconnect") || name.equals("reconnect")) && p.path("after").path("fault").isTextual()) {
        String id = p.get("after").get("fault").asText();
        Trigger t = fixedTime(entries, id);
        String key = name.equals("no_reconnect") ? "for" : "within";
        Duration w = quietDuration(p.get(key));
        if (t != null && w != null) {
          Duration anchor = t.at();
          Duration end = anchor.plus(w);
          if (end.compareTo(duration) > 0) {
            issues.add(new Problem(path + "." + key, (name.equals("no_reconnect") ? "the quiet window" : "the reconnect window") + " after fault " + id + " (at "
                + Durations.format(anchor) + ") runs to " + Durations.format(end) + " at the earliest, past " + stop
                + ": the run would stop before it could be judged (start the fault earlier, shorten " + key + ", or lengthen duration)"));
          }
        }
      }
    }
  }

  /**
   * docs/expectations.md: a blackhole whose {@code for} is not longer than {@code detects_dead_link}'s
   * {@code within} + tolerance cannot tell the client's detection from the proxy's own
   * {@code then} (abort, close) at its end.
   */
  private void blackholeOutlastsDetection(JsonNode expect, List<FaultEntry> entries, Tolerance tolerance) {
    if (expect == null || !expect.isArray()) {
      return;
    }
    Tolerance tol = tolerance == null ? Tolerance.DEFAULT : tolerance;
    for (int i = 0; i < expect.size(); i++) {
      JsonNode p = params(expect, i, "detects_dead_link");
      if (!"detects_dead_link".equals(expectationName(expect.get(i))) || p == null) {
        continue;
      }
      Duration within = quietDuration(p.get("within"));
      if (within == null) {
        continue;
      }
      String only = p.path("fault").isTextual() ? p.get("fault").asText() : null;
      long limit = Durations.micros(within) + tol.slackMicros(Durations.micros(within));
      for (FaultEntry e : entries) {
        if (e.specs() == null) {
          continue;
        }
        for (FaultSpec s : e.specs()) {
          if (!s.name().equals("blackhole") || s.trigger() == null || s.trigger().duration() == null || only != null && !only.equals(s.id()) && !only.equals(e.id())) {
            continue;
          }
          if (Durations.micros(s.trigger().duration()) <= limit) {
            String path = e.raw().has("for") ? e.path() + ".for" : e.path();
            issues.add(new Problem(path, "the blackhole lasts " + Durations.format(s.trigger().duration()) + ", not longer than expect[" + i
                + "].detects_dead_link.within " + Durations.format(within) + " + tolerance (" + Durations.seconds(limit) + " s" + "): its own end (then: abort) would cut"
                + " the link before the client had to notice, so detection could not be told from the proxy's action (make for longer)"));
          }
        }
      }
    }
  }

  /**
   * docs/expectations.md: {@code survives.still} must show the client still responding; it defaults to
   * the declared {@code ack} sequence, so without one the scenario must say what to count.
   */
  private void survivesCountsAResponse(JsonNode expect, Messages messages) {
    if (expect == null || !expect.isArray() || messages.get("ack") != null) {
      return;
    }
    for (int i = 0; i < expect.size(); i++) {
      JsonNode p = params(expect, i, "survives");
      if (!"survives".equals(expectationName(expect.get(i))) || p == null || p.has("still")) {
        continue;
      }
      List<String> toServer = new ArrayList<>();
      messages.declared().values().forEach(d -> {
        if (d.to() == Direction.TO_SERVER) {
          toServer.add(d.name());
        }
      });
      issues.add(Problem.atKey("expect[" + i + "].survives", "survives needs still: what shows the client still responding to the server (acks, replies),"
          + " since no ack sequence is declared under messages; it could count "
          + (toServer.isEmpty() ? "a message to the server, e.g. still: {to: server, match: {type: ack}}"
              : "one of the declared messages to the server (" + String.join(", ", toServer) + "), e.g. still: {to: server, match: {type: ack}}, though a timer-driven one proves nothing")));
    }
  }

  private void herdHasInstances(JsonNode expect, ClientSpec client) {
    if (expect == null || !expect.isArray() || client == null) {
      return;
    }
    for (int i = 0; i < expect.size(); i++) {
      if ("herd".equals(expectationName(expect.get(i))) && client.instances() < ScenarioKeys.HERD_MIN_INSTANCES) {
        String path = expect.get(i).isTextual() ? "expect[" + i + "]" : "expect[" + i + "].herd";
        issues.add(Problem.atKey(path, "herd needs client.instances ≥ " + ScenarioKeys.HERD_MIN_INSTANCES + " (found " + client.instances() + "): a spread of reconnects needs many clients"));
      }
    }
  }

  /**
   * In expectation parameters (outside {@code match} objects): a {@code fault} text names a fault
   * id of this scenario, a {@code seq} text (not a JSON pointer) names a declared message.
   */
  private void references(JsonNode expect, List<FaultEntry> entries, List<FaultSpec> faults, Messages messages) {
    if (expect == null || !expect.isArray()) {
      return;
    }
    Set<String> ids = new LinkedHashSet<>();
    entries.forEach(e -> ids.add(e.id()));
    faults.forEach(f -> ids.add(f.id()));
    for (int i = 0; i < expect.size(); i++) {
      String name = expectationName(expect.get(i));
      if (name != null && expect.get(i) instanceof ObjectNode o) {
        walkReferences(o.get(name), "expect[" + i + "]." + name, ids, messages);
      }
    }
  }

  private void walkReferences(JsonNode n, String path, Set<String> ids, Messages messages) {
    if (n instanceof ObjectNode o) {
      for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String k = e.getKey();
        String child = path + "." + k;
        JsonNode v = e.getValue();
        if (k.equals("match")) {
          continue;
        }
        if (k.equals("fault") && v.isTextual() && !ids.contains(v.asText())) {
          issues.add(new Problem(child, "no fault has id '" + v.asText() + "' (fault ids: " + (ids.isEmpty() ? "none" : String.join(", ", ids)) + ")" + Suggest.hint(v.asText(), ids)));
        } else if (k.equals("seq") && v.isTextual() && !v.asText().startsWith("/") && messages.get(v.asText()) == null) {
          Set<String> declared = messages.declared().keySet();
          issues.add(new Problem(child, "'" + v.asText() + "' is not declared under messages"
              + (declared.isEmpty() ? " (declare it, e.g. messages: {" + v.asText() + ": {to: server, match: {type: tick}, field: /n}})" : " (declared: " + String.join(", ", declared) + ")" + Suggest.hint(v.asText(), declared))));
        } else {
          walkReferences(v, child, ids, messages);
        }
      }
    } else if (n != null && n.isArray()) {
      for (int i = 0; i < n.size(); i++) {
        walkReferences(n.get(i), path + "[" + i + "]", ids, messages);
      }
    }
  }

  // ---- small readers: each reports its own problem and returns null

  private void onlyKeys(ObjectNode o, String path, Collection<String> allowed) {
    for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        issues.add(unknownKey(path + "." + k, k, allowed));
      }
    }
  }

  /**
   * A problem from the fault or expectation catalogues, which only know key paths. Problems about
   * a name (unknown key, fault, expectation, trigger, operator) point at that name.
   */
  private static Problem naming(Problem p) {
    boolean aboutName = p.message().startsWith("unknown ") || p.message().startsWith("duplicate ");
    return aboutName && !p.atKey() ? Problem.atKey(p.path(), p.message()) : p;
  }

  private static Problem unknownKey(String path, String key, Collection<String> allowed) {
    return Problem.atKey(path, "unknown key '" + key + "' (allowed: " + String.join(", ", allowed) + ")" + Suggest.hint(key, allowed));
  }

  private ObjectNode object(JsonNode n, String path, String what) {
    if (n instanceof ObjectNode o) {
      return o;
    }
    issues.add(new Problem(path, "expected " + what + ", got " + describe(n)));
    return null;
  }

  private String text(JsonNode n, String path, String what) {
    if (n == null) {
      return null;
    }
    if (!n.isTextual() || n.asText().isBlank()) {
      issues.add(new Problem(path, "expected " + what + ", got " + describe(n)));
      return null;
    }
    return n.asText();
  }

  private Boolean bool(JsonNode n, String path) {
    if (!n.isBoolean()) {
      issues.add(new Problem(path, "expected true or false, got " + describe(n)));
      return null;
    }
    return n.asBoolean();
  }

  private Integer integer(JsonNode n, String path, int min, int max, String what) {
    if (!n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < min || n.asInt() > max) {
      issues.add(new Problem(path, (n.isIntegralNumber() ? n + " is out of range" : "wrong type") + ": expected " + what + (n.isIntegralNumber() ? "" : ", got " + describe(n))));
      return null;
    }
    return n.asInt();
  }

  private Duration duration(JsonNode n, String path) {
    if (!n.isTextual()) {
      issues.add(new Problem(path, (n.isNumber() ? n + " is not " + Durations.ALLOWED + " (write the unit)" : "expected " + Durations.ALLOWED + ", got " + describe(n))));
      return null;
    }
    try {
      return Durations.parse(n.asText());
    } catch (IllegalArgumentException e) {
      issues.add(new Problem(path, e.getMessage()));
      return null;
    }
  }

  private Duration positiveDuration(JsonNode n, String path) {
    Duration d = duration(n, path);
    if (d != null && (d.isZero() || d.isNegative())) {
      issues.add(new Problem(path, n.asText() + " is too short: it must be longer than 0"));
      return null;
    }
    return d;
  }

  private Direction direction(JsonNode n, String path) {
    if (n.isTextual()) {
      for (Direction d : Direction.values()) {
        if (d.wire().equals(n.asText())) {
          return d;
        }
      }
    }
    issues.add(new Problem(path, describe(n) + " is not a direction (server or client)"));
    return null;
  }

  private Map<String, String> env(JsonNode n, String path) {
    ObjectNode o = object(n, path, "environment variables, e.g. {LOG_LEVEL: debug}");
    if (o == null) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!ENV_NAME.matcher(e.getKey()).matches()) {
        issues.add(Problem.atKey(path + "." + e.getKey(), "'" + e.getKey() + "' is not an environment variable name (letters, digits and _)"));
      } else if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        issues.add(new Problem(path + "." + e.getKey(), "expected a text, number or true/false, got " + describe(e.getValue())));
      } else {
        out.put(e.getKey(), e.getValue().asText());
      }
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  private static List<String> fieldNames(ObjectNode o) {
    List<String> out = new ArrayList<>();
    o.fieldNames().forEachRemaining(out::add);
    return out;
  }

  /** How a wrong value reads in a message: 'text', 20, true, a list, a mapping, nothing. */
  static String describe(JsonNode n) {
    if (n == null || n.isMissingNode() || n.isNull()) {
      return "nothing";
    }
    if (n.isTextual()) {
      return "'" + n.asText() + "'";
    }
    if (n.isArray()) {
      return "a list";
    }
    if (n.isObject()) {
      return "a mapping";
    }
    return n.toString();
  }
}
