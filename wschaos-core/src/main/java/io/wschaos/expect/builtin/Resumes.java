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
import java.util.List;

/**
 * A reconnecting client asks for what it missed. For every attempt of a client made after data of
 * {@code seq} (default the declared {@code seq}) had been forwarded to it on earlier links, the
 * position it asks for — a query parameter, or the number in the first matching message it sends on
 * the new link — must lie between the last number it acked before the attempt (when acks are
 * declared: {@code ack}, default the declared {@code ack}) and the largest number forwarded to it on
 * earlier links, both inclusive. Attempts a fault reset on accept sent no request and are skipped.
 * Anchor: at least one such reconnect. A wrong or missing position fails at once.
 */
public final class Resumes implements Expectation {
  /**
   * @param from a query key ({@code lastSeq} or {@code {query: lastSeq}}) or a message ({@code {match: {…}, field: /from}})
   * @param seq what was forwarded to the client: a declared name or {match, field} (default seq)
   * @param ack what the client acked: a declared name or {match, field} (default ack, when declared)
   */
  public record Params(JsonNode from, JsonNode seq, JsonNode ack, JsonNode client) {
    public Params {
      PerClient.pooled(client);
      ParamException.require(from != null && !from.isNull(), "from", "resumes needs from: a query key (lastSeq) or a message {match: {…}, field: /from}");
      queryKey(from);
      MessageRef.parse(seq, "seq", true);
      MessageRef.parse(ack, "ack", true);
    }

    /** The query key, or null when {@code from} is a message. */
    static String queryKey(JsonNode from) {
      if (from.isTextual()) {
        ParamException.require(!from.asText().isBlank(), "from", "from is a query key like lastSeq");
        return from.asText();
      }
      ParamException.require(from.isObject(), "from", "from is a query key (lastSeq), {query: lastSeq} or {match: {…}, field: /from}");
      if (from.has("query")) {
        ParamException.require(from.size() == 1 && from.get("query").isTextual(), "from.query", "from: {query: KEY} takes one query key");
        return from.get("query").asText();
      }
      MessageRef.parse(from, "from", true);
      return null;
    }
  }

  private final Params p;
  private final String queryKey;
  private final MessageRef fromMessage;
  private final MessageRef seq;
  private final MessageRef ack;

  public Resumes(Params p) {
    this.p = p;
    this.queryKey = Params.queryKey(p.from());
    this.fromMessage = queryKey == null ? MessageRef.parse(p.from(), "from", true) : null;
    MessageRef s = MessageRef.parse(p.seq(), "seq", true);
    this.seq = s != null ? s : MessageRef.named("seq");
    this.ack = MessageRef.parse(p.ack(), "ack", true);
  }

  @Override
  public Verdict judge(Judging judging) {
    return PerClient.judge(judging, PerClient.pooled(p.client()), this::judgeOne);
  }

  /** One client's judgement (or all clients', pooled). */
  private Verdict judgeOne(Judging judging) {
    Story st = Story.of(judging);
    Messages.Declaration sd = seq.resolve(judging.messages(), Direction.TO_CLIENT);
    if (sd == null) {
      return Verdict.undecided(true, seq.undeclared("seq"), List.of());
    }
    Messages.Declaration ad = (ack != null ? ack : MessageRef.named("ack")).resolve(judging.messages(), Direction.TO_SERVER);
    if (ad == null && ack != null) {
      return Verdict.undecided(true, ack.undeclared("ack"), List.of());
    }
    Messages.Declaration fd = fromMessage == null ? null : fromMessage.resolve(judging.messages(), Direction.TO_SERVER);
    if (fromMessage != null && fd == null) {
      return Verdict.undecided(true, fromMessage.undeclared("from"), List.of());
    }
    List<Story.Numbered> forwarded = st.numbers(sd).stream().filter(n -> st.lostBy(n.event()).isEmpty()).toList();
    List<Story.Numbered> acks = ad == null ? List.of() : st.numbers(ad);
    String asked = queryKey != null ? "query " + queryKey : MessageRef.describe(fd);

    int judged = 0;
    List<Long> evidence = new ArrayList<>();
    String last = null;
    Verdict waiting = null;
    for (Story.Attempt a : st.attempts()) {
      if (a.reset()) {
        continue;
      }
      Story.Numbered hi = null;
      for (Story.Numbered n : forwarded) {
        if (n.seq() < a.seq() && owner(st, n.event()) == a.client() && n.event().link() != a.link() && (hi == null || n.value() > hi.value())) {
          hi = n;
        }
      }
      if (hi == null) {
        continue;
      }
      Story.Numbered lo = null;
      for (Story.Numbered n : acks) {
        if (n.seq() < a.seq() && owner(st, n.event()) == a.client() && (lo == null || n.value() > lo.value())) {
          lo = n;
        }
      }
      String which = "attempt " + a.number() + " of " + st.where(a.client(), a.link()) + " at " + Say.s(a.t());
      String range = (lo == null ? "" : "acked up to " + lo.value() + ", ") + "forwarded up to " + hi.value();
      List<Long> ev = new ArrayList<>(List.of(a.seq(), hi.seq()));
      if (lo != null) {
        ev.add(lo.seq());
      }
      Long requested;
      if (queryKey != null) {
        List<String> v = Story.queryParams(a.body().query()).get(queryKey);
        requested = v == null || v.isEmpty() ? null : parseLong(v.get(0));
        if (requested == null) {
          return Verdict.fail("expected a reconnecting client to ask for what it missed (" + range + "); " + which + " carried "
              + (v == null || v.isEmpty() ? "no " + queryKey : queryKey + "='" + v.get(0) + "', not a number"), ev);
        }
      } else {
        Event msg = firstMatching(st, a.link(), fd);
        if (msg == null) {
          if (!a.opened() || a.end() != null || judging.runOver()) {
            if (!a.opened()) {
              continue; // a message needs a link: judged on the attempt that opens
            }
            return Verdict.fail("expected a reconnecting client to ask for what it missed (" + range + "); " + which + " sent no " + asked, ev);
          }
          if (waiting == null) {
            waiting = Verdict.undecided(false, "waiting for " + which + " to send " + asked, ev);
          }
          continue;
        }
        JsonNode v = st.json(msg).at(fd.field());
        ev.add(msg.seq());
        requested = v.isIntegralNumber() ? v.asLong() : null;
        if (requested == null) {
          return Verdict.fail("expected a reconnecting client to ask for what it missed (" + range + "); " + which + " sent " + v + " at " + fd.field(), ev);
        }
      }
      judged++;
      if (requested > hi.value() || lo != null && requested < lo.value()) {
        return Verdict.fail("expected a reconnecting client to ask for a position between " + (lo == null ? "" : "its last ack (" + lo.value() + ") and ")
            + "the last number forwarded to it (" + hi.value() + "); " + which + " asked " + asked + " = " + requested, ev);
      }
      evidence.addAll(ev);
      last = which + " asked " + asked + " = " + requested + " (" + range + ")";
    }
    if (waiting != null) {
      return waiting;
    }
    if (judged == 0) {
      return st.environmentError(st.clients())
          .orElseGet(() -> Verdict.undecided(judging.runOver(), "no client attempted again after " + MessageRef.describe(sd) + " had been forwarded to it"
              + (judging.runOver() ? "" : " yet"), List.of()));
    }
    return Verdict.pass(judging.runOver(), Say.n(judged, "reconnect", "reconnects") + " asked for what " + (judged == 1 ? "it" : "they") + " missed; the last: " + last,
        evidence);
  }

  private static int owner(Story st, Event e) {
    return st.attemptOnLink(e.link()).map(Story.Attempt::client).orElse(e.client());
  }

  private static Event firstMatching(Story st, int link, Messages.Declaration d) {
    MessageMatcher m = d.match();
    for (Event e : st.link(link)) {
      if (e.body() instanceof EventBody.Message msg && msg.to() == d.to() && (m == null || m.matches(st.json(e)))) {
        JsonNode j = st.json(e);
        if (j != null && !j.at(d.field()).isMissingNode()) {
          return e;
        }
      }
    }
    return null;
  }

  private static Long parseLong(String s) {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
