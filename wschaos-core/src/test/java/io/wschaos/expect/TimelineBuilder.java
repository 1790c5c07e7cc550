package io.wschaos.expect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Leg;
import io.wschaos.expect.Messages;
import io.wschaos.spec.Tolerance;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.MessageMatcher;
import io.wschaos.timeline.Phase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Synthetic timelines for expectation tests, written the way the proxy records them:
 * {@code tl.at(1.0).client(1).attempt().open().toClient("{...}")…}. Times are seconds; every call
 * records one event (a few record two, as the proxy does) and {@link #seq()} is the last one's seq.
 */
public final class TimelineBuilder {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final List<Event> events = new ArrayList<>();
  private final Map<Integer, Integer> clientOfLink = new HashMap<>();
  private final Map<String, Long> messageIds = new HashMap<>();
  private final Map<String, Messages.Declaration> declared = new LinkedHashMap<>();
  private Messages.ClientId clientId;
  private long t;
  private int client = 1;
  private int link;
  private int links;
  private Phase phase = Phase.RUN;
  private int instances = 1;
  private Tolerance tolerance = Tolerance.DEFAULT;

  public static TimelineBuilder timeline() {
    return new TimelineBuilder();
  }

  // ---- time, who, where ----

  /** Scenario time in seconds (never backwards). */
  public TimelineBuilder at(double seconds) {
    long us = Math.round(seconds * 1e6);
    if (us < t) {
      throw new IllegalArgumentException("time goes backwards: " + seconds);
    }
    t = us;
    return this;
  }

  public TimelineBuilder after(double seconds) {
    return at(t / 1e6 + seconds);
  }

  public TimelineBuilder client(int c) {
    client = c;
    return this;
  }

  /** Make {@code n} the current link (its client becomes current too). */
  public TimelineBuilder link(int n) {
    link = n;
    client = clientOfLink.getOrDefault(n, client);
    return this;
  }

  public int currentLink() {
    return link;
  }

  public TimelineBuilder teardown() {
    phase = Phase.TEARDOWN;
    return this;
  }

  public TimelineBuilder instances(int n) {
    instances = n;
    return this;
  }

  public TimelineBuilder tolerance(Tolerance tol) {
    tolerance = tol;
    return this;
  }

  /** A messages: declaration, e.g. declare("seq", "client", "{type: data}", "/seq"). */
  public TimelineBuilder declare(String name, String to, String matchYaml, String field) {
    MessageMatcher m = matchYaml == null ? null : MessageMatcher.parse(yaml(matchYaml), (k, msg) -> {
      throw new IllegalArgumentException(k + ": " + msg);
    });
    declared.put(name, new Messages.Declaration(name, Direction.fromWire(to), m, field));
    return this;
  }

  public TimelineBuilder clientIdQuery(String key) {
    clientId = new Messages.ClientId(key, null, null, null);
    return this;
  }

  // ---- link events ----

  public TimelineBuilder attempt() {
    return attempt("");
  }

  /** An upgrade request with this raw query; the next link, of the current client. */
  public TimelineBuilder attempt(String query) {
    return attempt(query, Map.of(), List.of());
  }

  public TimelineBuilder attempt(String query, Map<String, List<String>> headers, List<String> subprotocols) {
    return attemptOn("/feed", query, headers, subprotocols);
  }

  /** An upgrade request for {@code path} with this raw query (a second socket of one client, say). */
  public TimelineBuilder attemptOn(String path, String query) {
    return attemptOn(path, query, Map.of(), List.of());
  }

  private TimelineBuilder attemptOn(String path, String query, Map<String, List<String>> headers, List<String> subprotocols) {
    link = ++links;
    clientOfLink.put(link, client);
    return add(new EventBody.Attempt("127.0.0.1:5" + link, path, query, headers, subprotocols, null));
  }

  /** A connection a server_down reset on accept: an attempt with no request, then an abort by proxy. */
  public TimelineBuilder resetAttempt(String fault) {
    link = ++links;
    clientOfLink.put(link, client);
    add(new EventBody.Attempt("127.0.0.1:5" + link, null, null, Map.of(), List.of(), null));
    return add(new EventBody.Abort(Leg.CLIENT, "proxy", "reset", fault, "server down"));
  }

  public TimelineBuilder open() {
    return add(new EventBody.Open(null));
  }

  public TimelineBuilder rejected(int status, String by, String reason) {
    return add(new EventBody.Rejected(status, by, reason));
  }

  /** An attempt rejected at once: attempt + rejected. */
  public TimelineBuilder rejectedAttempt(int status) {
    attempt();
    return rejected(status, "proxy", "fault down");
  }

  public TimelineBuilder toClient(String text) {
    return message(Direction.TO_CLIENT, text);
  }

  public TimelineBuilder toServer(String text) {
    return message(Direction.TO_SERVER, text);
  }

  public TimelineBuilder message(Direction to, String text) {
    long id = messageIds.merge(link + "/" + to.wire(), 1L, Long::sum);
    return add(new EventBody.Message(to, id, "text", text.length(), 1, text, false));
  }

  /** The id of the last message recorded toward {@code to} on the current link. */
  public long lastMessageId(Direction to) {
    return messageIds.getOrDefault(link + "/" + to.wire(), 0L);
  }

  public TimelineBuilder ping() {
    return add(new EventBody.ControlFrame(Direction.TO_SERVER, "ping", 0));
  }

  /** The proxy writes a close frame to the client (a close fault). */
  public TimelineBuilder closeByProxy(int code, String fault) {
    return add(new EventBody.Close(Leg.CLIENT, "proxy", code, "closed by fault", fault));
  }

  /**
   * The server's close frame, read from the server leg. On a timeline without a run header (an
   * older recording) that is its end; with one, the end is its write ({@link #closeRelayed}).
   */
  public TimelineBuilder closeByServer(int code) {
    return add(new EventBody.Close(Leg.SERVER, "server", code, null, null));
  }

  /** The server's close frame read and written to the client at once, as the proxy records it. */
  public TimelineBuilder closeRelayed(int code) {
    add(new EventBody.Close(Leg.SERVER, "server", code, null, null));
    return closeWritten();
  }

  /** The server's close frame read from the server leg, which a fault holds (see {@link #closeWritten()}). */
  public TimelineBuilder closeByServerHeld(int code) {
    return add(new EventBody.Close(Leg.SERVER, "server", code, null, null));
  }

  /** The proxy writes a relayed close to the client: egress of message 0 toward the client. */
  public TimelineBuilder closeWritten() {
    return add(new EventBody.Egress(Direction.TO_CLIENT, 0, 0));
  }

  /**
   * The run header at the current time: scenario t = 0 is here, and every later {@code at} is on
   * the timeline's clock (so {@code at(2.5).header()} then {@code at(3.5)} is scenario time 1 s).
   */
  public TimelineBuilder header() {
    events.add(new Event(events.size() + 1, t, 0, 0, phase, new EventBody.Scenario("test", "42", 20_000_000)));
    return this;
  }

  /** The client's close frame, read from the client leg. */
  public TimelineBuilder closeByClient(Integer code) {
    return add(new EventBody.Close(Leg.CLIENT, "client", code, null, null));
  }

  public TimelineBuilder abortByProxy(String mode, String fault) {
    return add(new EventBody.Abort(Leg.CLIENT, "proxy", mode, fault, null));
  }

  public TimelineBuilder abortByClient(String mode) {
    return add(new EventBody.Abort(Leg.CLIENT, "client", mode, null, null));
  }

  public TimelineBuilder ended() {
    return add(new EventBody.Ended(0, 0));
  }

  /** A fault event on the current link. */
  public TimelineBuilder fault(String id, String name, String action) {
    return add(new EventBody.Fault(id, name, action, null, null, null));
  }

  /** A fault event that touched the last message toward {@code to} on the current link. */
  public TimelineBuilder touch(String id, String name, String action, Direction to) {
    return add(new EventBody.Fault(id, name, action, to, lastMessageId(to), null));
  }

  /** A fault event on a control or close unit (no message id). */
  public TimelineBuilder touchControl(String id, String name, String action, Direction to, String detail) {
    return add(new EventBody.Fault(id, name, action, to, null, detail));
  }

  /** A fault event on the listener (link 0, client 0). */
  public TimelineBuilder listenerFault(String id, String name, String action) {
    events.add(new Event(events.size() + 1, t, 0, 0, phase, new EventBody.Fault(id, name, action, null, null, null)));
    return this;
  }

  public TimelineBuilder spawned() {
    return process(new EventBody.ClientProcess("spawned", 4000L + client, null, null));
  }

  public TimelineBuilder exited(Integer code) {
    return process(new EventBody.ClientProcess("exited", null, code, null));
  }

  public TimelineBuilder server(String action) {
    events.add(new Event(events.size() + 1, t, 0, 0, phase, new EventBody.ServerProcess(action, null, null, null)));
    return this;
  }

  private TimelineBuilder process(EventBody body) {
    events.add(new Event(events.size() + 1, t, 0, client, phase, body));
    return this;
  }

  /** Any event body on the current link. */
  public TimelineBuilder add(EventBody body) {
    events.add(new Event(events.size() + 1, t, link, clientOfLink.getOrDefault(link, client), phase, body));
    return this;
  }

  // ---- reading back ----

  /** The seq of the last event recorded. */
  public long seq() {
    return events.size();
  }

  public List<Event> events() {
    return List.copyOf(events);
  }

  public Messages messages() {
    return new Messages(Map.copyOf(declared), clientId);
  }

  /**
   * A judgement at {@code nowSeconds} over the events recorded up to then (as the timeline holds
   * them at that moment); {@code runOver}: the run ended there.
   */
  public Judging judging(double nowSeconds, boolean runOver) {
    long now = Math.round(nowSeconds * 1e6);
    List<Event> sofar = events.stream().filter(e -> e.t() <= now).toList();
    return new Judging(sofar, now, runOver, instances, now, tolerance, messages());
  }

  /** Judged at the last event's time, the run over. */
  public Judging over() {
    return judging(t / 1e6, true);
  }

  /** Judged at {@code nowSeconds}, the run still going. */
  public Judging running(double nowSeconds) {
    return judging(nowSeconds, false);
  }

  public Story story() {
    return Story.of(over());
  }

  // ---- YAML ----

  public static JsonNode yaml(String text) {
    try {
      return YAML.readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(text, e);
    }
  }
}
