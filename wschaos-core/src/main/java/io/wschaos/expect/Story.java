package io.wschaos.expect;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Leg;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.MessageMatcher;
import io.wschaos.timeline.Phase;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The words of DESIGN.md's "Exact semantics" derived once from a timeline, so that every expectation
 * reads the same attempts, ends, opens, sequences and fault windows.
 *
 * <ul>
 *   <li>Only {@code run}-phase events exist here: teardown events never anchor or count.
 *   <li>An <b>attempt</b> is an {@code attempt} event (an upgrade request, or a connection a fault
 *       reset once its request head was read: with its path, or none when the head never completed); its time is the event's {@code t}.
 *   <li>A <b>logical client</b> is the event header's {@code client} (the runner instance); links
 *       recorded with client 0 are stitched by the declared {@code client_id} when there is one
 *       (numbered 1, 2… in order of first appearance), else they are all client 0.
 *   <li><b>Scenario time</b>: every time here is the event's {@code t} minus the run header's (the
 *       {@code scenario} event, recorded at t = 0); a timeline without one keeps its own clock.
 *   <li>The <b>end</b> of a link or attempt is the earliest of: the proxy writes a close frame to
 *       the client (a server's close read from the server leg, or a close fault's close, at its
 *       {@code egress} of message 0 toward the client — a holding fault may keep it behind queued
 *       messages — unless a fault swallowed or dropped it; on a timeline without a run header, at
 *       the read); the proxy closes or resets the client's TCP, or reads its FIN or RST ({@code
 *       abort} on the client leg); the proxy reads the client's close frame; the proxy answers the
 *       handshake with a status ({@code rejected}). It carries a cause and who acted ({@code by}). A
 *       link that ended with none of these recorded ends at its {@code ended} event (cause {@code
 *       gone}).
 *   <li><b>Reconnect chains</b>: a client's attempts per socket ({@link #chains(int)}).
 *   <li>{@link #forClient(int)} cuts one client's story out, for judging per client.
 *   <li>A <b>sequence</b> is the value at the declared JSON pointer of a message's {@code preview}.
 *       Previews hold the first 256 bytes of a text message: enough for the small JSON messages of
 *       the example protocol; a number past byte 256 is not seen.
 * </ul>
 */
public final class Story {
  /** What ended a link or an attempt. */
  public enum Cause {
    CLOSE,
    ABORT,
    REJECTED,
    GONE
  }

  /**
   * An end (DESIGN: "end").
   *
   * @param code the close code (null for a close frame without one) or the HTTP status
   * @param by client, server or proxy (GONE: null)
   * @param fault the fault id when a fault did it, else null
   */
  public record End(Event event, int link, int client, Cause cause, Integer code, String by, String fault, Event written) {
    public End(Event event, int link, int client, Cause cause, Integer code, String by, String fault) {
      this(event, link, client, cause, code, by, fault, null);
    }

    /** When the client got it: a relayed close's write to the client (see {@code written}), else the event's time. */
    public long t() {
      return written != null ? written.t() : event.t();
    }

    /** The event to cite: the close itself (its write, when it was held, is {@link #written()}). */
    public long seq() {
      return event.seq();
    }

    /** The last event of the end: its write when there is one. Later events come after the end. */
    public long lastSeq() {
      return written != null ? written.seq() : event.seq();
    }

    /** The client started it: its own close frame, FIN or RST. */
    public boolean byClient() {
      return "client".equals(by);
    }

    /** The close code the client's WebSocket reports: the code, 1005 without one, 1006 for an abort. */
    public Integer clientCode() {
      return switch (cause) {
        case CLOSE -> code == null ? 1005 : code;
        case ABORT, GONE -> 1006;
        case REJECTED -> null;
      };
    }

    /** "close 1001 by proxy (fault restart)", "abort (reset) by client", "rejected 503 by server". */
    public String describe() {
      String what =
          switch (cause) {
            case CLOSE -> code == null ? "close without a code" : "close " + code;
            case ABORT -> "abort (" + (event.body() instanceof EventBody.Abort a && a.mode() != null ? a.mode() : "fin") + ")";
            case REJECTED -> "rejected " + code;
            case GONE -> "link ended";
          };
      return what + (by == null ? "" : " by " + by) + (fault == null ? "" : " (fault " + fault + ")");
    }
  }

  /**
   * One attempt of one logical client.
   *
   * @param number the client's 1st, 2nd… attempt
   * @param open its {@code open} event, or null if it never opened
   * @param end its end, or null while it lasts (or if it lasted past the run)
   */
  public record Attempt(int number, int link, int client, Event event, Event open, End end) {
    public long t() {
      return event.t();
    }

    public long seq() {
      return event.seq();
    }

    public boolean opened() {
      return open != null;
    }

    /** A connection a fault reset before its request head completed: it sent no request. */
    public boolean reset() {
      return body().path() == null;
    }

    public EventBody.Attempt body() {
      return (EventBody.Attempt) event.body();
    }
  }

  /**
   * Where a fault acted on one link: from its {@code started} event there to its {@code stopped}
   * event, or to the link's end, or still going (both null).
   */
  public record FaultWindow(String fault, String name, int link, Event started, Event stopped, End end) {
    /** True when {@code t} lies in the window. */
    public boolean covers(long t) {
      long until = stopped != null ? stopped.t() : end != null ? end.t() : Long.MAX_VALUE;
      return t >= started.t() && t <= until;
    }
  }

  /**
   * One reconnect chain of one client (DESIGN: "per client, per socket"): the successive attempts of
   * one socket of the client's process.
   *
   * @param index the client's 1st, 2nd… chain, in order of first attempt
   * @param attempts in order
   */
  public record Chain(int client, int index, List<Attempt> attempts) {
    public Chain {
      attempts = List.copyOf(attempts);
    }

    public Attempt first() {
      return attempts.get(0);
    }

    public Attempt last() {
      return attempts.get(attempts.size() - 1);
    }

    /** The attempt after {@code a} in this chain, if any. */
    public Optional<Attempt> after(Attempt a) {
      // attempts are in seq order: a storm's chains are long, and this is asked for every end
      int i = Collections.binarySearch(attempts, a, java.util.Comparator.comparingLong(Attempt::seq));
      if (i < 0 || !attempts.get(i).equals(a)) {
        i = attempts.indexOf(a);
      }
      return i >= 0 && i + 1 < attempts.size() ? Optional.of(attempts.get(i + 1)) : Optional.empty();
    }
  }

  /** A message of a declared sequence and its number. */
  public record Numbered(Event event, long value) {
    public long t() {
      return event.t();
    }

    public long seq() {
      return event.seq();
    }

    public Direction to() {
      return ((EventBody.Message) event.body()).to();
    }
  }

  private static final Set<String> LOST = Set.of("dropped", "swallowed", "discarded");
  private static final Set<String> HOLDING = Set.of("delayed", "reordered", "throttled", "stalled");
  /**
   * Words of query keys that change from one attempt of a socket to the next and so never tell two
   * sockets apart: secrets (as the redactor names them) and resume positions. Matched as words of the
   * key ({@code access_token}, {@code lastSeq}), or as a prefix or suffix of one ({@code lastseq},
   * {@code apikey}) for words of three letters or more — never as any substring, so that
   * {@code events=trades} and {@code events=quotes} stay two sockets.
   */
  private static final Set<String> PER_ATTEMPT_WORDS =
      Set.of("token", "key", "secret", "pass", "password", "passwd", "auth", "authorization", "sig",
          "signature", "jwt", "seq", "last", "since", "offset", "cursor", "resume", "position", "from",
          "nonce", "attempt", "retry", "ts", "time", "timestamp");
  private static final java.util.regex.Pattern KEY_WORD_BREAK =
      java.util.regex.Pattern.compile("[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])");

  static boolean perAttemptKey(String key) {
    for (String word : KEY_WORD_BREAK.split(key)) {
      String w = word.toLowerCase(Locale.ROOT);
      if (PER_ATTEMPT_WORDS.contains(w)) {
        return true;
      }
      for (String p : PER_ATTEMPT_WORDS) {
        if (p.length() >= 3 && w.length() > p.length() && (w.startsWith(p) || w.endsWith(p))) {
          return true;
        }
      }
    }
    return false;
  }

  private static final Object CACHE_LOCK = new Object();
  /** The last story built, held softly so that it never pins a finished run's events. */
  private static java.lang.ref.SoftReference<Story> cached = new java.lang.ref.SoftReference<>(null);

  private final Judging judging;
  private final long origin;
  private final boolean headered;
  private final long durationMicros;
  private final long now;
  private final List<Event> all;
  private final Map<Integer, Story> perClient = new HashMap<>();
  private final List<Event> run = new ArrayList<>();
  private final long runEnd;
  private final Map<Integer, List<Event>> byLink = new HashMap<>();
  private final List<Attempt> attempts = new ArrayList<>();
  private final Map<Integer, Attempt> attemptByLink = new HashMap<>();
  private final Map<Integer, List<Attempt>> byClient = new LinkedHashMap<>();
  private final Map<Integer, List<Chain>> chains = new HashMap<>();
  private final Map<Integer, Chain> chainByLink = new HashMap<>();
  private final Map<Integer, String> stitchedLabels = new HashMap<>();
  private final Map<String, List<Event>> faultTouches = new HashMap<>();
  private final Map<Long, JsonNode> json = new HashMap<>();
  /** Each client's first run-phase {@code exited} event: asked once per anchor, so kept, not searched. */
  private final Map<Integer, Event> exits = new HashMap<>();
  private final List<Integer> clients;

  private Story(Judging judging) {
    this(judging, originOf(judging.events()), null, null);
  }

  /**
   * @param origin scenario t = 0 on the events' clock (their times are shifted by it)
   * @param parent the whole-run story a per-client story is cut from, or null
   * @param runEndOverride the parent's run end (a client's events may lack the first teardown event)
   */
  private Story(Judging judging, Event header, Story parent, Long runEndOverride) {
    this.judging = judging;
    this.origin = header == null ? 0 : header.t();
    this.headered = parent != null ? parent.headered : header != null;
    this.durationMicros = judging.durationMicros() - origin;
    this.now = judging.nowMicros() - origin;
    this.all = origin == 0 ? judging.events() : shift(judging.events(), origin);
    long teardownAt = -1;
    for (Event e : all) {
      if (e.phase() == Phase.TEARDOWN) {
        if (teardownAt < 0) {
          teardownAt = e.t();
        }
        continue;
      }
      run.add(e);
      if (e.body() instanceof EventBody.ClientProcess p && p.action().equals("exited")) {
        exits.putIfAbsent(e.client(), e);
      }
      if (e.link() != 0) {
        byLink.computeIfAbsent(e.link(), k -> new ArrayList<>()).add(e);
      }
      if (e.body() instanceof EventBody.Fault f && f.to() != null && f.message() != null) {
        faultTouches.computeIfAbsent(touchKey(e.link(), f.to(), f.message()), k -> new ArrayList<>()).add(e);
      }
    }
    runEnd = runEndOverride != null ? runEndOverride : teardownAt >= 0 ? teardownAt : now;

    Map<String, Integer> stitched = new LinkedHashMap<>();
    Map<Integer, Integer> counts = new HashMap<>();
    for (Event e : run) {
      if (!(e.body() instanceof EventBody.Attempt) || attemptByLink.containsKey(e.link())) {
        continue;
      }
      List<Event> link = byLink.getOrDefault(e.link(), List.of());
      int client = e.client() != 0 ? e.client() : stitch(e, link, stitched);
      Event open = null;
      for (Event x : link) {
        if (x.body() instanceof EventBody.Open) {
          open = x;
          break;
        }
      }
      int number = counts.merge(client, 1, Integer::sum);
      Attempt a = new Attempt(number, e.link(), client, e, open, endOf(e.link(), client, link));
      attempts.add(a);
      attemptByLink.put(e.link(), a);
      byClient.computeIfAbsent(client, k -> new ArrayList<>()).add(a);
    }

    TreeSet<Integer> seen = new TreeSet<>(byClient.keySet());
    for (Event e : run) {
      if (e.body() instanceof EventBody.ClientProcess && e.client() != 0) {
        seen.add(e.client());
      }
    }
    if (seen.isEmpty() || seen.last() >= 1) {
      for (int i = 1; i <= judging.instances(); i++) {
        seen.add(i);
      }
    }
    clients = List.copyOf(seen);
    byClient.forEach((client, as) -> {
      List<Chain> cs = chainsOf(client, as);
      chains.put(client, cs);
      for (Chain c : cs) {
        for (Attempt a : c.attempts()) {
          chainByLink.put(a.link(), c);
        }
      }
    });
  }

  /**
   * The story of {@code judging}; built once per judgement (the same {@code Judging} instance) and
   * shared by the expectations judged on it.
   */
  public static Story of(Judging judging) {
    synchronized (CACHE_LOCK) {
      Story s = cached.get();
      if (s != null && s.judging == judging) {
        return s;
      }
      if (s != null) {
        for (Story c : s.perClient.values()) {
          if (c.judging == judging) {
            return c;
          }
        }
      }
      s = new Story(judging);
      cached = new java.lang.ref.SoftReference<>(s);
      return s;
    }
  }

  /** The run header ({@code scenario} event): its t is scenario t = 0. Null on timelines without one. */
  private static Event originOf(List<Event> events) {
    for (Event e : events) {
      if (e.body() instanceof EventBody.Scenario) {
        return e;
      }
    }
    return null;
  }

  private static List<Event> shift(List<Event> events, long origin) {
    List<Event> out = new ArrayList<>(events.size());
    for (Event e : events) {
      out.add(new Event(e.seq(), e.t() - origin, e.link(), e.client(), e.phase(), e.body()));
    }
    return out;
  }

  /**
   * The story of one logical client alone: its links' events, its process's, and the events that
   * belong to no client (server, listener faults); times already in scenario time. Judging a
   * {@link #judging()} of it sees that client as the only one (DESIGN: "per client, per socket").
   */
  public Story forClient(int client) {
    synchronized (CACHE_LOCK) {
      Story s = perClient.get(client);
      if (s == null) {
        List<Event> mine = new ArrayList<>();
        for (Event e : all) {
          int owner = e.link() != 0 ? Optional.ofNullable(attemptByLink.get(e.link())).map(Attempt::client).orElse(e.client()) : e.client();
          if (owner == client || (e.link() == 0 && e.client() == 0)) {
            mine.add(e);
          }
        }
        Judging j = new Judging(mine, now, judging.runOver(), 0, durationMicros, judging.tolerance(), judging.messages());
        s = new Story(j, null, this, runEnd);
        perClient.put(client, s);
      }
      return s;
    }
  }

  // ---- the run ----

  public Judging judging() {
    return judging;
  }

  /** Now, in scenario time. */
  public long now() {
    return now;
  }

  /** Scenario t = 0 on the timeline's clock (the run header's t; 0 without one). Every other time here is scenario time. */
  public long origin() {
    return origin;
  }

  /** The scenario's hard stop, in scenario time. */
  public long duration() {
    return durationMicros;
  }

  public boolean runOver() {
    return judging.runOver();
  }

  /** When the run phase ended: the first teardown event, else now. Nothing after it counts. */
  public long runEnd() {
    return runEnd;
  }

  /** Every run-phase event, in {@code seq} order. */
  public List<Event> events() {
    return Collections.unmodifiableList(run);
  }

  /** The run-phase events of one link. */
  public List<Event> link(int link) {
    return Collections.unmodifiableList(byLink.getOrDefault(link, List.of()));
  }

  /**
   * The logical clients: those that attempted or whose process is on the timeline, and every runner
   * instance 1..instances (unless the timeline only knows client 0: one unknown client).
   */
  public List<Integer> clients() {
    return clients;
  }

  /** "client 1", or "client 'abc'" for a client told apart by its client_id. */
  public String label(int client) {
    String id = stitchedLabels.get(client);
    return id != null ? "client '" + id + "'" : client == 0 ? "the client" : "client " + client;
  }

  /** "client 1, link 3": where something happened, for sentences. */
  public String where(int client, int link) {
    return label(client) + ", link " + link;
  }

  /** "close 1001 by proxy (fault restart) at 3.004 s (client 1, link 1)". */
  public String describe(End end) {
    return end.describe() + " at " + Say.s(end.t()) + " (" + where(end.client(), end.link()) + ")";
  }

  // ---- attempts and ends ----

  /** Every attempt, in order. */
  public List<Attempt> attempts() {
    return Collections.unmodifiableList(attempts);
  }

  public List<Attempt> attempts(int client) {
    return Collections.unmodifiableList(byClient.getOrDefault(client, List.of()));
  }

  public Optional<Attempt> attemptOnLink(int link) {
    return Optional.ofNullable(attemptByLink.get(link));
  }

  /** The client's first attempt recorded after {@code seq}. */
  public Optional<Attempt> nextAttempt(int client, long seq) {
    for (Attempt a : attempts(client)) {
      if (a.seq() > seq) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }

  /** The client's reconnect chains, in order of their first attempts. */
  public List<Chain> chains(int client) {
    return chains.getOrDefault(client, List.of());
  }

  /** The chain the attempt on {@code link} belongs to. */
  public Optional<Chain> chainOf(int link) {
    return Optional.ofNullable(chainByLink.get(link));
  }

  /**
   * The attempt that followed {@code end} in its chain (the same socket's reconnect), if any. An end
   * of the last attempt of a chain has none, even when another socket of the client attempted.
   */
  public Optional<Attempt> nextInChain(End end) {
    return attemptOnLink(end.link()).flatMap(a -> chainOf(end.link()).flatMap(c -> c.after(a)));
  }

  /**
   * DESIGN: attempts with different paths or queries (ignoring per-attempt keys) belong to different
   * chains; among the rest, each new attempt continues the chain whose end is the earliest one not
   * yet followed by an attempt; with none, it starts a chain (a second socket opened while the
   * first lives). A reset attempt (no request) matches any chain.
   */
  private static List<Chain> chainsOf(int client, List<Attempt> as) {
    // A storm makes thousands of attempts over hundreds of chains, so the candidates are kept in
    // order instead of scanned: chains whose last end comes after the attempt wait by that end's
    // seq; ended ones are ordered by (end t, end seq, creation), the order of the rule above. A
    // chain whose last attempt never ended can take no attempt again and is dropped.
    List<List<Attempt>> open = new ArrayList<>();
    java.util.PriorityQueue<Integer> waiting =
        new java.util.PriorityQueue<>(java.util.Comparator.comparingLong((Integer i) -> lastEnd(open.get(i)).lastSeq()).thenComparing(i -> i));
    java.util.TreeSet<Integer> ended = new java.util.TreeSet<>(
        java.util.Comparator.comparingLong((Integer i) -> lastEnd(open.get(i)).t())
            .thenComparingLong(i -> lastEnd(open.get(i)).seq())
            .thenComparing(i -> i));
    long previous = Long.MIN_VALUE;
    for (Attempt a : as) {
      if (a.seq() < previous) {
        return chainsInAnyOrder(client, as); // the queues rely on attempts in seq order
      }
      previous = a.seq();
      while (!waiting.isEmpty() && lastEnd(open.get(waiting.peek())).lastSeq() <= a.seq()) {
        ended.add(waiting.poll());
      }
      Integer best = null;
      for (Integer i : ended) {
        if (sameSocket(open.get(i), a)) {
          best = i;
          break;
        }
      }
      if (best == null) {
        best = open.size();
        open.add(new ArrayList<>());
      } else {
        ended.remove(best);
      }
      open.get(best).add(a);
      if (a.end() != null) {
        if (a.end().lastSeq() <= a.seq()) {
          ended.add(best);
        } else {
          waiting.add(best);
        }
      }
    }
    List<Chain> out = new ArrayList<>();
    for (List<Attempt> c : open) {
      out.add(new Chain(client, out.size() + 1, c));
    }
    return out;
  }

  private static End lastEnd(List<Attempt> chain) {
    return chain.get(chain.size() - 1).end();
  }

  /** {@link #chainsOf} by scanning every chain for every attempt: for attempts not in seq order. */
  private static List<Chain> chainsInAnyOrder(int client, List<Attempt> as) {
    List<List<Attempt>> open = new ArrayList<>();
    for (Attempt a : as) {
      List<Attempt> best = null;
      End bestEnd = null;
      for (List<Attempt> c : open) {
        Attempt last = c.get(c.size() - 1);
        End end = last.end();
        if (end == null || end.lastSeq() > a.seq() || !sameSocket(c, a)) {
          continue;
        }
        if (bestEnd == null || end.t() < bestEnd.t() || (end.t() == bestEnd.t() && end.seq() < bestEnd.seq())) {
          best = c;
          bestEnd = end;
        }
      }
      if (best == null) {
        best = new ArrayList<>();
        open.add(best);
      }
      best.add(a);
    }
    List<Chain> out = new ArrayList<>();
    for (List<Attempt> c : open) {
      out.add(new Chain(client, out.size() + 1, c));
    }
    return out;
  }

  /**
   * {@code a} may continue chain {@code c}: the same path as the chain's latest request, and the same
   * values for the socket-naming query keys both carry (a key only one carries tells nothing).
   */
  private static boolean sameSocket(List<Attempt> c, Attempt a) {
    if (a.reset()) {
      return true;
    }
    for (int i = c.size() - 1; i >= 0; i--) {
      Attempt prev = c.get(i);
      if (!prev.reset()) {
        if (!prev.body().path().equals(a.body().path())) {
          return false;
        }
        Map<String, List<String>> mine = socketKeys(a);
        for (Map.Entry<String, List<String>> k : socketKeys(prev).entrySet()) {
          if (mine.containsKey(k.getKey()) && !mine.get(k.getKey()).equals(k.getValue())) {
            return false;
          }
        }
        return true;
      }
    }
    return true;
  }

  /** The query parameters that name a socket: all but the per-attempt ones. */
  private static Map<String, List<String>> socketKeys(Attempt a) {
    Map<String, List<String>> q = queryParams(a.body().query());
    q.keySet().removeIf(Story::perAttemptKey);
    return q;
  }

  /** Every end, in order. */
  public List<End> ends() {
    List<End> out = new ArrayList<>();
    for (Attempt a : attempts) {
      if (a.end() != null) {
        out.add(a.end());
      }
    }
    out.sort((x, y) -> Long.compare(x.seq(), y.seq()));
    return out;
  }

  private End endOf(int link, int client, List<Event> events) {
    Event gone = null;
    Event serverClose = null;
    for (int i = 0; i < events.size(); i++) {
      Event e = events.get(i);
      EventBody b = e.body();
      if (b instanceof EventBody.Rejected r) {
        String fault = r.reason() != null && r.reason().startsWith("fault ") ? r.reason().substring(6) : "proxy".equals(r.by()) ? r.reason() : null;
        return new End(e, link, client, Cause.REJECTED, r.status(), r.by(), fault);
      }
      if (b instanceof EventBody.Egress g && serverClose != null && g.to() == Direction.TO_CLIENT && g.id() == 0) {
        // the proxy wrote the close to the client: that is when the client got it
        EventBody.Close c = (EventBody.Close) serverClose.body();
        return new End(serverClose, link, client, Cause.CLOSE, c.code(), c.by(), c.fault(), e);
      }
      if (b instanceof EventBody.Close c && c.leg() == Leg.CLIENT) {
        if (serverClose != null && !headered) {
          return serverEnd(serverClose, link, client); // an older timeline: no egress of closes recorded
        }
        if (headered && serverClose == null && "proxy".equals(c.by()) && writtenLater(events, i)) {
          serverClose = e; // a close fault goes through the chain too: it ends the link when written
          continue;
        }
        return new End(e, link, client, Cause.CLOSE, c.code(), c.by(), c.fault());
      }
      if (b instanceof EventBody.Close c && c.leg() == Leg.SERVER && "server".equals(c.by()) && serverClose == null && !heldBack(events, i)) {
        serverClose = e;
        continue;
      }
      if (b instanceof EventBody.Abort a && a.leg() == Leg.CLIENT) {
        if (serverClose != null && !headered) {
          return serverEnd(serverClose, link, client);
        }
        return new End(e, link, client, Cause.ABORT, null, a.by(), a.fault());
      }
      if (b instanceof EventBody.Ended && gone == null) {
        gone = e;
      }
    }
    if (serverClose != null && (gone != null || !headered)) {
      return serverEnd(serverClose, link, client); // the link is gone: an older timeline without the close's egress
    }
    return gone == null ? null : new End(gone, link, client, Cause.GONE, null, null, null);
  }

  private static End serverEnd(Event close, int link, int client) {
    EventBody.Close c = (EventBody.Close) close.body();
    return new End(close, link, client, Cause.CLOSE, c.code(), c.by(), c.fault());
  }

  /**
   * The proxy's own close on the client leg that leaves through the fault chain (a close fault):
   * its write, an {@code egress} of message 0 toward the client, follows on the link, or the link
   * is still going (it may still be held). Other closes of the proxy (protocol errors) are written
   * at once and have no egress: they end the link when recorded.
   */
  private static boolean writtenLater(List<Event> link, int closeIndex) {
    EventBody.Close c = (EventBody.Close) link.get(closeIndex).body();
    if (c.fault() == null) {
      return false;
    }
    for (int j = closeIndex + 1; j < link.size(); j++) {
      EventBody b = link.get(j).body();
      if (b instanceof EventBody.Egress g && g.to() == Direction.TO_CLIENT && g.id() == 0 || b instanceof EventBody.Ended) {
        return b instanceof EventBody.Egress;
      }
    }
    return true;
  }

  /**
   * A server's close read on a live link (or a close fault's close) that the proxy has not written
   * to the client yet: a fault (delay, reorder, throttle, stall) holds it behind queued messages.
   * Not an end until written.
   */
  public boolean closeHeld(int link) {
    if (!headered) {
      return false;
    }
    Attempt a = attemptByLink.get(link);
    if (a == null || a.end() != null) {
      return false;
    }
    List<Event> events = link(link);
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).body() instanceof EventBody.Close c
          && (c.leg() == Leg.SERVER && "server".equals(c.by()) && !heldBack(events, i) || c.leg() == Leg.CLIENT && "proxy".equals(c.by()) && c.fault() != null)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Something is still on its way to the client: a server close not written yet, or a message a
   * holding fault (delay, reorder, throttle, stall) took and has not let go of, on a live link. The
   * run must not end early then: what is held can still open an anchor.
   */
  public boolean holding() {
    for (Attempt a : attempts) {
      if (a.end() != null && a.end().cause() != Cause.CLOSE) {
        continue;
      }
      if (closeHeld(a.link())) {
        return true;
      }
      boolean ended = false;
      Map<Long, Boolean> held = new HashMap<>();
      for (Event e : link(a.link())) {
        if (e.body() instanceof EventBody.Ended) {
          ended = true;
        } else if (e.body() instanceof EventBody.Fault f && f.to() == Direction.TO_CLIENT && f.message() != null) {
          if (HOLDING.contains(f.action())) {
            held.putIfAbsent(f.message(), true);
          } else if (LOST.contains(f.action())) {
            held.put(f.message(), false);
          }
        } else if (e.body() instanceof EventBody.Egress g && g.to() == Direction.TO_CLIENT) {
          held.put(g.id(), false);
        }
      }
      if (!ended && held.containsValue(true)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A server's close frame is relayed to the client as it is read, unless a fault swallowed or dropped
   * it on its way (a blackhole, {@code drop: {frames: close}}): recorded right after it on that link,
   * toward the client, with no message id.
   */
  private static boolean heldBack(List<Event> link, int closeIndex) {
    Event close = link.get(closeIndex);
    for (int j = closeIndex + 1; j < link.size(); j++) {
      Event e = link.get(j);
      if (e.t() - close.t() > 1000) {
        return false;
      }
      if (e.body() instanceof EventBody.Fault f
          && f.to() == Direction.TO_CLIENT
          && f.message() == null
          && (f.action().equals("swallowed") || f.action().equals("dropped"))
          && (f.detail() == null || f.detail().equals("close"))) {
        return true;
      }
    }
    return false;
  }

  // ---- logical clients by client_id ----

  private int stitch(Event attempt, List<Event> link, Map<String, Integer> stitched) {
    Messages.ClientId id = judging.messages() == null ? null : judging.messages().clientId();
    if (id == null) {
      return 0;
    }
    EventBody.Attempt a = (EventBody.Attempt) attempt.body();
    String value = null;
    if (id.query() != null) {
      List<String> v = queryParams(a.query()).get(id.query());
      value = v == null || v.isEmpty() ? null : v.get(0);
    } else if (id.header() != null) {
      value = header(a, id.header());
    } else if (id.cookie() != null) {
      value = cookie(a, id.cookie());
    } else if (id.field() != null) {
      for (Event e : link) {
        if (e.body() instanceof EventBody.Message m && m.to() == Direction.TO_SERVER) {
          JsonNode j = json(e);
          JsonNode v = j == null ? null : j.at(id.field());
          value = v == null || v.isMissingNode() || v.isNull() ? null : v.asText();
          break;
        }
      }
    }
    if (value == null) {
      return 0;
    }
    int n = stitched.computeIfAbsent(value, k -> stitched.size() + 1);
    stitchedLabels.put(n, value);
    return n;
  }

  /** The query string's parameters, percent-decoded, each with all its values in order. */
  public static Map<String, List<String>> queryParams(String rawQuery) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return out;
    }
    for (String pair : rawQuery.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String k = decode(eq < 0 ? pair : pair.substring(0, eq));
      String v = eq < 0 ? "" : decode(pair.substring(eq + 1));
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  /** Every value of header {@code name} (any case) on an attempt. */
  public static List<String> headerValues(EventBody.Attempt a, String name) {
    List<String> out = new ArrayList<>();
    if (a.headers() != null) {
      a.headers().forEach((k, v) -> {
        if (k.toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT))) {
          out.addAll(v);
        }
      });
    }
    return out;
  }

  private static String header(EventBody.Attempt a, String name) {
    List<String> v = headerValues(a, name);
    return v.isEmpty() ? null : v.get(0);
  }

  private static String cookie(EventBody.Attempt a, String name) {
    for (String line : headerValues(a, "Cookie")) {
      for (String part : line.split(";")) {
        int eq = part.indexOf('=');
        if (eq > 0 && part.substring(0, eq).trim().equals(name)) {
          return part.substring(eq + 1).trim();
        }
      }
    }
    return null;
  }

  // ---- messages ----

  /** The message's preview parsed as a JSON object, or null (not JSON, not an object, no preview). */
  public JsonNode json(Event message) {
    if (!(message.body() instanceof EventBody.Message m) || m.preview() == null) {
      return null;
    }
    return json.computeIfAbsent(message.seq(), k -> MessageMatcher.parseJson(m.preview()));
  }

  /** Messages going {@code to} (null: both ways) that match {@code match} (null: every one). */
  public List<Event> messages(Direction to, MessageMatcher match) {
    List<Event> out = new ArrayList<>();
    for (Event e : run) {
      if (e.body() instanceof EventBody.Message m && (to == null || m.to() == to) && (match == null || match.matches(json(e)))) {
        out.add(e);
      }
    }
    return out;
  }

  /** The messages of a declared sequence with their numbers: those whose field holds an integer. */
  public List<Numbered> numbers(Messages.Declaration d) {
    List<Numbered> out = new ArrayList<>();
    for (Event e : messages(d.to(), d.match())) {
      JsonNode j = json(e);
      JsonNode v = j == null || d.field() == null ? null : j.at(d.field());
      if (v != null && v.isIntegralNumber()) {
        out.add(new Numbered(e, v.asLong()));
      }
    }
    return out;
  }

  /** The fault events that touched {@code message} (dropped, delayed, corrupted…). */
  public List<Event> touches(Event message) {
    EventBody.Message m = (EventBody.Message) message.body();
    return faultTouches.getOrDefault(touchKey(message.link(), m.to(), m.id()), List.of());
  }

  /** The fault event by which {@code message} never left the proxy (dropped, swallowed, discarded), if any. */
  public Optional<Event> lostBy(Event message) {
    for (Event f : touches(message)) {
      if (LOST.contains(((EventBody.Fault) f.body()).action())) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /** True when a fault mangled {@code message} on its way (corrupt). */
  public boolean corrupted(Event message) {
    return touches(message).stream().anyMatch(f -> ((EventBody.Fault) f.body()).action().equals("corrupted"));
  }

  private static String touchKey(int link, Direction to, long id) {
    return link + "/" + to.wire() + "/" + id;
  }

  // ---- faults and processes ----

  /** Every run-phase event of fault {@code id}. */
  public List<Event> faultEvents(String id) {
    List<Event> out = new ArrayList<>();
    for (Event e : run) {
      if (e.body() instanceof EventBody.Fault f && f.fault().equals(id)) {
        out.add(e);
      }
    }
    return out;
  }

  /** Where fault {@code name} started on a link ({@code started} events with a link), in order. */
  public List<Event> starts(String name) {
    List<Event> out = new ArrayList<>();
    for (Event e : run) {
      if (e.link() != 0 && e.body() instanceof EventBody.Fault f && f.name().equals(name) && f.action().equals("started")) {
        out.add(e);
      }
    }
    return out;
  }

  /** Every window of fault {@code id} on a link, in order of start. */
  public List<FaultWindow> windows(String id) {
    List<FaultWindow> out = new ArrayList<>();
    for (Event e : run) {
      if (e.link() != 0 && e.body() instanceof EventBody.Fault f && f.fault().equals(id) && f.action().equals("started")) {
        End end = attemptOnLink(e.link()).map(Attempt::end).orElse(null);
        out.add(new FaultWindow(id, f.name(), e.link(), e, stop(id, e.link(), e.seq()).orElse(null), end));
      }
    }
    return out;
  }

  /** The {@code stopped} event of fault {@code id} on {@code link} after {@code seq}, if any. */
  public Optional<Event> stop(String id, int link, long seq) {
    for (Event e : link(link)) {
      if (e.seq() > seq && e.body() instanceof EventBody.Fault f && f.fault().equals(id) && f.action().equals("stopped")) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /**
   * True when {@code end} came while fault {@code id} was restarting the server: from its
   * {@code restart} event to the server's next {@code ready}, {@code restarted} or {@code started}.
   */
  public boolean duringRestart(String id, End end) {
    Event restart = null;
    for (Event e : run) {
      if (e.seq() > end.seq()) {
        break;
      }
      if (e.body() instanceof EventBody.Fault f && f.fault().equals(id) && f.action().equals("restart")) {
        restart = e;
      } else if (restart != null && e.body() instanceof EventBody.ServerProcess s && Set.of("ready", "restarted", "started").contains(s.action())) {
        restart = null;
      }
    }
    return restart != null;
  }

  /**
   * DESIGN "a fault that never fired": empty when fault {@code id} acted (started on a link, touched
   * a message, closed, aborted or rejected something, restarted the server); else why not — its
   * trigger never fired ({@code started} is absent), or it started but touched no link ({@code
   * links: 0} and nothing after). The sentence is for "fault X never fired (…)".
   */
  public Optional<String> neverFired(String id) {
    Event idle = null;
    for (Event e : run) {
      EventBody b = e.body();
      if (b instanceof EventBody.Fault f && f.fault().equals(id)) {
        if (f.action().equals("started") && e.link() == 0) {
          if (idle == null && "links: 0".equals(f.detail())) {
            idle = e;
          }
        } else if (!f.action().equals("stopped") && !f.action().equals("skipped")) {
          return Optional.empty();
        }
      } else if (b instanceof EventBody.Close c && id.equals(c.fault())
          || b instanceof EventBody.Abort a && id.equals(a.fault())
          || b instanceof EventBody.Rejected r && r.reason() != null && (r.reason().equals(id) || r.reason().equals("fault " + id))) {
        return Optional.empty();
      }
    }
    return Optional.of(idle == null ? "" : "it started at " + Say.s(idle.t()) + " but touched no link");
  }

  /** The client's process exited during the run: its {@code exited} event. */
  public Optional<Event> exited(int client) {
    return Optional.ofNullable(exits.get(client));
  }

  /** "exited with code 1 at 0.3 s", "was killed at 0.3 s". */
  public static String describeExit(Event exited) {
    Integer code = ((EventBody.ClientProcess) exited.body()).code();
    return (code == null ? "was killed by a signal" : "exited with code " + code) + " at " + Say.s(exited.t());
  }

  /**
   * An environment error for {@code client}: its process exited before it made any attempt
   * (DESIGN: that is the environment failing, not the client misbehaving). Final: a dead process
   * attempts nothing.
   */
  public Optional<Verdict> environmentError(int client) {
    if (!attempts(client).isEmpty()) {
      return Optional.empty();
    }
    return exited(client)
        .map(x -> Verdict.undecided(true, "environment error: " + label(client) + " " + describeExit(x) + " before any attempt, so its behaviour could not be judged", List.of(x.seq())));
  }

  /** The first environment error among {@code clients}, if any. */
  public Optional<Verdict> environmentError(List<Integer> clients) {
    for (int c : clients) {
      Optional<Verdict> v = environmentError(c);
      if (v.isPresent()) {
        return v;
      }
    }
    return Optional.empty();
  }
}
