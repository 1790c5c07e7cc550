package io.wschaos.expect.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.expect.Expectation;
import io.wschaos.expect.Judging;
import io.wschaos.expect.PerClient;
import io.wschaos.expect.MessageRef;
import io.wschaos.expect.Say;
import io.wschaos.expect.Story;
import io.wschaos.expect.Verdict;
import io.wschaos.frame.Direction;
import io.wschaos.expect.Messages;
import io.wschaos.spec.ParamException;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.MessageMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What was sent before, during and after an outage arrives. With a sequence: lost = numbers between
 * the smallest and the largest seen that never reached the proxy on any link (the sender dropped
 * them); with {@code strict: true} also numbers that reached the proxy and were never forwarded
 * (a fault dropped, swallowed or discarded every copy, or corrupted it); duplicated = numbers
 * forwarded more than once (the sender's own resends: copies a {@code duplicate} fault made are not
 * the sender's); ordered = the first arrival of each number is larger than every earlier first
 * arrival; and after every fault that ended one of the client's links its sequence (toward the
 * server) continues (a number above the last one before that end arrives after the
 * fault is over), else "client 1 sent nothing above 41 after fault outage ended at 5.2 s"; toward the
 * client the same for what was forwarded to it ("client 1 received nothing above 15 after …"). Judged per
 * client. Without a sequence ({@code match}), distinct payloads (previews) that reached the proxy
 * are compared with those forwarded. Anchor: at least one such message. Missing numbers may still
 * be resent, so {@code lost} is settled when the run is over; duplicates and disorder fail at once.
 */
public final class Delivered implements Expectation {
  /**
   * @param to which way (default: the sequence's; client_seq's server without one)
   * @param seq a declared sequence or an inline {match, field} (default client_seq toward the
   *     server, seq toward the client)
   * @param match compare payloads instead of numbers
   * @param lost how many may be lost (default 0)
   * @param duplicated how many may be forwarded more than once (default any)
   * @param ordered first arrivals must increase (default false)
   * @param strict also count what reached the proxy but was never forwarded (default false)
   */
  public record Params(Direction to, JsonNode seq, JsonNode match, Integer lost, JsonNode duplicated, Boolean ordered, Boolean strict, JsonNode client) {
    public Params {
      PerClient.pooled(client);
      ParamException.require(seq == null || match == null, "match", "give seq (numbers) or match (payloads), not both");
      MessageRef.parse(seq, "seq", true);
      matcher(match);
      lost = lost == null ? 0 : lost;
      ParamException.require(lost >= 0, "lost", "lost is how many may be lost, ≥ 0");
      duplicatesOf(duplicated);
      ordered = ordered != null && ordered;
      ParamException.require(!ordered || match == null, "ordered", "ordered needs a sequence (seq), not match");
      strict = strict != null && strict;
    }

    static MessageMatcher matcher(JsonNode match) {
      if (match == null || match.isNull()) {
        return null;
      }
      StringBuilder problems = new StringBuilder();
      MessageMatcher m = MessageMatcher.parse(match, (k, msg) -> problems.append(problems.length() == 0 ? "" : "; ").append(k.isEmpty() ? "" : k + ": ").append(msg));
      if (m == null) {
        throw new ParamException("match", problems.toString());
      }
      return m;
    }

    /** -1: any. */
    static int duplicatesOf(JsonNode n) {
      if (n == null || n.isNull() || n.isTextual() && n.asText().equals("any")) {
        return -1;
      }
      ParamException.require(n.isInt() && n.asInt() >= 0, "duplicated", "duplicated is any (default) or how many numbers may be forwarded more than once, ≥ 0");
      return n.asInt();
    }
  }

  private final Params p;
  private final MessageRef seq;
  private final MessageMatcher match;
  private final int duplicates;

  public Delivered(Params p) {
    this.p = p;
    this.match = Params.matcher(p.match());
    this.seq = match != null ? null : p.seq() != null ? MessageRef.parse(p.seq(), "seq", true)
        : MessageRef.named(p.to() == Direction.TO_CLIENT ? "seq" : "client_seq");
    this.duplicates = Params.duplicatesOf(p.duplicated());
  }

  @Override
  public Verdict judge(Judging judging) {
    return PerClient.judge(judging, PerClient.pooled(p.client()), this::judgeOne);
  }

  /** One client's judgement (or all clients', pooled). */
  private Verdict judgeOne(Judging judging) {
    Story st = Story.of(judging);
    return match != null ? payloads(st, judging) : numbers(st, judging);
  }

  private Verdict numbers(Story st, Judging judging) {
    Messages.Declaration d = seq.resolve(judging.messages(), p.to() != null ? p.to() : Direction.TO_SERVER);
    if (d == null) {
      return Verdict.undecided(true, seq.undeclared("seq"), List.of());
    }
    if (p.to() != null && d.to() != p.to()) {
      d = new Messages.Declaration(d.name(), p.to(), d.match(), d.field());
    }
    String what = MessageRef.describe(d);
    List<Story.Numbered> all = st.numbers(d);
    if (all.isEmpty()) {
      return st.environmentError(st.clients())
          .orElseGet(() -> Verdict.undecided(judging.runOver(), "no message of " + what + " was seen" + (judging.runOver() ? "" : " yet"), List.of()));
    }
    TreeMap<Long, List<Story.Numbered>> byValue = new TreeMap<>();
    Set<Integer> links = new TreeSet<>();
    for (Story.Numbered n : all) {
      byValue.computeIfAbsent(n.value(), k -> new ArrayList<>()).add(n);
      links.add(n.event().link());
    }
    long first = byValue.firstKey();
    long last = byValue.lastKey();

    // ordered: first arrivals increase
    if (p.ordered()) {
      Set<Long> seen = new HashSet<>();
      Story.Numbered prev = null;
      for (Story.Numbered n : all) {
        if (!seen.add(n.value())) {
          continue;
        }
        if (prev != null && n.value() < prev.value()) {
          return Verdict.fail("expected " + what + " to arrive in order; " + n.value() + " first arrived at " + Say.s(n.t()) + " (link " + n.event().link()
              + "), after " + prev.value() + " at " + Say.s(prev.t()), List.of(prev.seq(), n.seq()));
        }
        prev = n;
      }
    }

    // duplicated: forwarded more than once
    List<Long> dupValues = new ArrayList<>();
    List<Long> dupEvidence = new ArrayList<>();
    List<Long> transit = new ArrayList<>();
    List<Long> transitEvidence = new ArrayList<>();
    for (Map.Entry<Long, List<Story.Numbered>> e : byValue.entrySet()) {
      List<Story.Numbered> forwarded = e.getValue().stream().filter(n -> forwarded(st, n.event())).toList();
      if (forwarded.size() > 1) {
        dupValues.add(e.getKey());
        forwarded.stream().limit(2).forEach(n -> dupEvidence.add(n.seq()));
      }
      if (forwarded.isEmpty()) {
        transit.add(e.getKey());
        Story.Numbered n = e.getValue().get(0);
        transitEvidence.add(n.seq());
        st.lostBy(n.event()).ifPresent(f -> transitEvidence.add(f.seq()));
      }
    }
    if (duplicates >= 0 && dupValues.size() > duplicates) {
      return Verdict.fail("expected at most " + duplicates + " numbers of " + what + " forwarded more than once; " + were(dupValues.size()) + ": "
          + ranges(dupValues), cap(dupEvidence));
    }

    // lost: never reached the proxy (and, strictly, never left it)
    List<Long> missing = new ArrayList<>();
    List<Long> gapEvidence = new ArrayList<>();
    Long prev = null;
    for (long v : byValue.keySet()) {
      if (prev != null && v > prev + 1) {
        for (long m = prev + 1; m < v && missing.size() < 10_000; m++) {
          missing.add(m);
        }
        gapEvidence.add(byValue.get(prev).get(0).seq());
        gapEvidence.add(byValue.get(v).get(0).seq());
      }
      prev = v;
    }
    long missingCount = (last - first + 1) - byValue.size();
    long lostCount = missingCount + (p.strict() ? transit.size() : 0);
    String range = what + " from " + first + " to " + last + " across " + Say.n(links.size(), "link", "links");
    if (lostCount > p.lost()) {
      List<Long> ev = new ArrayList<>(cap(gapEvidence));
      if (p.strict()) {
        ev.addAll(cap(transitEvidence));
      }
      String sentence = "expected at most " + p.lost() + " lost in " + range + "; "
          + (missingCount > 0 ? missingCount + " never reached the proxy on any link (" + ranges(missing) + ")" : "")
          + (missingCount > 0 && p.strict() && !transit.isEmpty() ? " and " : "")
          + (p.strict() && !transit.isEmpty() ? transit.size() + " reached it but " + (transit.size() == 1 ? "was" : "were") + " never forwarded (" + ranges(transit) + ")" : "");
      return judging.runOver() ? Verdict.fail(sentence, ev) : Verdict.undecided(false, "so far: " + sentence + " (they may still be resent)", ev);
    }
    if (d.to() == Direction.TO_SERVER && judging.runOver()) {
      Verdict stopped = continuation(st, all, false);
      if (stopped != null) {
        return stopped;
      }
    }
    if (d.to() == Direction.TO_CLIENT) {
      // the server's sequence toward a client: only what was forwarded to that client counts
      Verdict stopped = continuation(st, all.stream().filter(n -> forwarded(st, n.event())).toList(), true);
      if (stopped != null) {
        return judging.runOver() ? stopped : Verdict.undecided(false, "so far: " + stopped.sentence() + " (it may still come)", stopped.evidence());
      }
    }
    List<Long> evidence = new ArrayList<>();
    evidence.add(byValue.firstEntry().getValue().get(0).seq());
    evidence.add(byValue.lastEntry().getValue().get(0).seq());
    evidence.addAll(cap(gapEvidence));
    return Verdict.pass(judging.runOver(), "in " + range + ", " + (lostCount == 0 ? "none was lost" : were(lostCount) + " lost (allowed: " + p.lost() + ")")
        + (p.strict() ? "" : transit.isEmpty() ? "" : " (" + transit.size() + " lost in transit by faults, not counted without strict)")
        + ", " + (dupValues.isEmpty() ? "none" : String.valueOf(dupValues.size())) + " forwarded more than once (allowed: " + (duplicates < 0 ? "any" : duplicates) + ")"
        + (p.ordered() ? ", and first arrivals increased" : ""), evidence);
  }

  /**
   * DESIGN: after every fault that ended the client's links, its sequence must continue: a number
   * above the last one seen before that end reaches the proxy after the fault is over (its last
   * {@code stopped}, or the end itself for a one-shot fault). A client that stops sending after an
   * outage loses nothing "between first and last", so only this sees it. Null when it continued.
   * Toward the client ({@code toClient}) the same holds for what was forwarded to that client: a
   * client that never comes back receives nothing after the outage.
   */
  private Verdict continuation(Story st, List<Story.Numbered> all, boolean toClient) {
    Set<String> checked = new HashSet<>();
    Set<String> restarts = new TreeSet<>();
    for (Event e : st.events()) {
      if (e.body() instanceof EventBody.Fault f && f.action().equals("restart")) {
        restarts.add(f.fault());
      }
    }
    for (Story.Attempt a : st.attempts()) {
      Story.End end = a.end();
      String fault = end == null || end.byClient() ? null
          : end.fault() != null ? end.fault() : restarts.stream().filter(r -> st.duringRestart(r, end)).findFirst().orElse(null);
      if (fault == null || !checked.add(fault)) {
        continue;
      }
      long over = end.t();
      Event overAt = end.event();
      for (Event f : st.faultEvents(fault)) {
        if (f.seq() > end.seq() && ((EventBody.Fault) f.body()).action().equals("stopped") && f.t() >= over) {
          over = f.t();
          overAt = f;
        }
      }
      if (restarts.contains(fault)) {
        for (Event e : st.events()) {
          if (e.seq() > end.seq() && e.body() instanceof EventBody.ServerProcess sp && Set.of("ready", "restarted", "started").contains(sp.action())) {
            over = Math.max(over, e.t()); // the restart is over when the server is back
            overAt = e;
            break;
          }
        }
      }
      List<Story.Numbered> own = toClient ? all.stream().filter(n -> n.event().client() == a.client()).toList() : all;
      long lastBefore = Long.MIN_VALUE;
      Story.Numbered lastSeen = null;
      for (Story.Numbered n : own) {
        if (n.seq() < end.seq() && n.value() > lastBefore) {
          lastBefore = n.value();
          lastSeen = n;
        }
      }
      long after = over;
      long above = lastBefore;
      boolean continued = own.stream().anyMatch(n -> n.t() >= after && n.value() > above);
      if (!continued) {
        String who = st.label(a.client());
        List<Long> ev = new ArrayList<>();
        if (lastSeen != null) {
          ev.add(lastSeen.seq());
        }
        ev.add(end.seq());
        if (overAt != end.event()) {
          ev.add(overAt.seq());
        }
        return Verdict.fail(who + (toClient ? " received nothing" : " sent nothing") + (lastSeen == null ? "" : " above " + lastBefore) + " after fault " + fault + " ended at "
            + Say.s(over) + " (it had ended " + st.where(a.client(), a.link()) + " with " + end.describe() + " at " + Say.s(end.t())
            + "): its sequence never continued after the outage", ev);
      }
    }
    return null;
  }

  private boolean forwarded(Story st, Event message) {
    return st.lostBy(message).isEmpty() && !(p.strict() && st.corrupted(message));
  }

  private Verdict payloads(Story st, Judging judging) {
    Direction to = p.to() == null ? Direction.TO_SERVER : p.to();
    String what = "messages to " + to.wire() + " matching " + match;
    List<Event> all = st.messages(to, match);
    if (all.isEmpty()) {
      return st.environmentError(st.clients())
          .orElseGet(() -> Verdict.undecided(judging.runOver(), "no " + what + " was seen" + (judging.runOver() ? "" : " yet"), List.of()));
    }
    Map<String, List<Event>> byPayload = new LinkedHashMap<>();
    for (Event e : all) {
      EventBody.Message m = (EventBody.Message) e.body();
      String key = m.preview() != null ? m.preview() : m.opcode() + "/" + m.size();
      byPayload.computeIfAbsent(key, k -> new ArrayList<>()).add(e);
    }
    int lost = 0;
    int dup = 0;
    List<Long> lostEvidence = new ArrayList<>();
    List<Long> dupEvidence = new ArrayList<>();
    for (List<Event> copies : byPayload.values()) {
      List<Event> fwd = copies.stream().filter(e -> forwarded(st, e)).toList();
      if (fwd.isEmpty()) {
        lost++;
        lostEvidence.add(copies.get(0).seq());
        st.lostBy(copies.get(0)).ifPresent(f -> lostEvidence.add(f.seq()));
      } else if (fwd.size() > 1) {
        dup++;
        fwd.stream().limit(2).forEach(e -> dupEvidence.add(e.seq()));
      }
    }
    if (duplicates >= 0 && dup > duplicates) {
      return Verdict.fail("expected at most " + duplicates + " of the " + byPayload.size() + " distinct " + what + " forwarded more than once; " + were(dup),
          cap(dupEvidence));
    }
    if (lost > p.lost()) {
      String sentence = "expected at most " + p.lost() + " of the " + byPayload.size() + " distinct " + what + " that reached the proxy to be lost; "
          + were(lost) + " never forwarded";
      return judging.runOver() ? Verdict.fail(sentence, cap(lostEvidence)) : Verdict.undecided(false, "so far: " + sentence + " (they may still be resent)", cap(lostEvidence));
    }
    return Verdict.pass(judging.runOver(), "of the " + byPayload.size() + " distinct " + what + " that reached the proxy, " + (lost == 0 ? "none" : lost)
        + " was lost and " + dup + " forwarded more than once (allowed: " + p.lost() + " lost, " + (duplicates < 0 ? "any" : duplicates) + " duplicated)",
        List.of(all.get(0).seq(), all.get(all.size() - 1).seq()));
  }

  private static String were(long n) {
    return n + (n == 1 ? " was" : " were");
  }

  private static List<Long> cap(List<Long> evidence) {
    return evidence.size() <= 20 ? evidence : evidence.subList(0, 20);
  }

  /** "41–45, 50" (the first 10 ranges). */
  static String ranges(List<Long> values) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < values.size() && out.size() < 10) {
      int j = i;
      while (j + 1 < values.size() && values.get(j + 1) == values.get(j) + 1) {
        j++;
      }
      out.add(i == j ? String.valueOf(values.get(i)) : values.get(i) + "–" + values.get(j));
      i = j + 1;
    }
    return String.join(", ", out) + (i < values.size() ? ", …" : "");
  }
}
