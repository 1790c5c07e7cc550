package io.wschaos.expect.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.expect.Expectation;
import io.wschaos.expect.Judging;
import io.wschaos.expect.PerClient;
import io.wschaos.expect.MessageRef;
import io.wschaos.expect.Say;
import io.wschaos.expect.Story;
import io.wschaos.expect.ToleranceParam;
import io.wschaos.expect.Verdict;
import io.wschaos.frame.Direction;
import io.wschaos.expect.Messages;
import io.wschaos.spec.Durations;
import io.wschaos.spec.ParamException;
import io.wschaos.spec.Tolerance;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The client sends a heartbeat at least every {@code every}. Per link, from its open to its end (or
 * to now while it lasts), the longest gap between the client's heartbeats, counting open → first and
 * last → end, must be ≤ {@code every} + tolerance. Heartbeats are counted at ingress, even when a
 * fault swallowed them. Links that lasted less than {@code every} are not judged; anchor: at least
 * one judged link. A gap too long fails at once (even one still running).
 */
public final class Heartbeat implements Expectation {
  /**
   * @param every the longest allowed gap
   * @param kind ping (protocol ping frames), a declared message name, or {match: {…}}; default ping
   *     frames and, when declared, the {@code heartbeat} messages
   */
  public record Params(Duration every, JsonNode kind, JsonNode tolerance, JsonNode client) {
    public Params {
      PerClient.pooled(client);
      ParamException.require(every != null, "every", "heartbeat needs every: the longest allowed gap between heartbeats, e.g. 30s");
      ParamException.require(!every.isNegative() && !every.isZero(), "every", "every is a duration > 0");
      kindOf(kind);
      ToleranceParam.parse(tolerance, "tolerance");
    }

    /** null: ping frames only; else the message kind. */
    static MessageRef kindOf(JsonNode n) {
      if (n == null || n.isNull() || n.isTextual() && n.asText().equals("ping")) {
        return null;
      }
      return MessageRef.parse(n, "kind", false);
    }
  }

  private final Params p;
  private final MessageRef kind;
  private final Tolerance tolerance;

  public Heartbeat(Params p) {
    this.p = p;
    this.kind = Params.kindOf(p.kind());
    this.tolerance = ToleranceParam.parse(p.tolerance(), "tolerance");
  }

  @Override
  public Verdict judge(Judging judging) {
    return PerClient.judge(judging, PerClient.pooled(p.client()), this::judgeOne);
  }

  /** One client's judgement (or all clients', pooled). */
  private Verdict judgeOne(Judging judging) {
    Story st = Story.of(judging);
    Tolerance tol = ToleranceParam.pick(tolerance, judging);
    long every = Durations.micros(p.every());
    long limit = every + tol.slackMicros(every);
    Messages.Declaration messages;
    boolean pings;
    if (kind == null) {
      pings = true;
      messages = p.kind() == null && judging.messages() != null ? MessageRef.named("heartbeat").resolve(judging.messages(), Direction.TO_SERVER) : null;
    } else {
      pings = false;
      messages = kind.resolve(judging.messages(), Direction.TO_SERVER);
      if (messages == null) {
        return Verdict.undecided(true, kind.undeclared("kind"), List.of());
      }
    }
    String what = pings && messages != null ? "heartbeats (ping frames or " + MessageRef.describe(messages) + ")"
        : pings ? "heartbeats (ping frames)" : "heartbeats (" + MessageRef.describe(messages) + ")";

    int judged = 0;
    long longest = -1;
    String longestWhere = null;
    List<Long> longestEvidence = List.of();
    for (Story.Attempt a : st.attempts()) {
      if (!a.opened()) {
        continue;
      }
      long start = a.open().t();
      long stop = a.end() != null ? a.end().t() : st.runEnd();
      if (stop - start < every) {
        continue;
      }
      judged++;
      Event prev = a.open();
      long prevT = start;
      List<Event> beats = new ArrayList<>();
      for (Event e : st.link(a.link())) {
        if (e.t() > stop) {
          break;
        }
        boolean beat = pings && e.body() instanceof EventBody.ControlFrame f && f.to() == Direction.TO_SERVER && "ping".equals(f.opcode())
            || messages != null && e.body() instanceof EventBody.Message m && m.to() == messages.to()
                && (messages.match() == null || messages.match().matches(st.json(e)));
        if (beat) {
          beats.add(e);
        }
      }
      beats.add(null); // the end
      for (Event b : beats) {
        long t = b == null ? stop : b.t();
        long gap = t - prevT;
        List<Long> ev = new ArrayList<>();
        ev.add(prev.seq());
        if (b != null) {
          ev.add(b.seq());
        } else if (a.end() != null) {
          ev.add(a.end().seq());
        }
        String from = prev == a.open() ? "its open at " + Say.s(prevT) : "the heartbeat at " + Say.s(prevT);
        String to = b != null ? "the next at " + Say.s(t) : a.end() != null ? "its end at " + Say.s(t) : "now (" + Say.s(t) + ")";
        if (gap > limit) {
          return Verdict.fail("expected " + what + " at least every " + Say.bound(p.every(), tol) + "; " + st.where(a.client(), a.link()) + " went "
              + Say.s(gap) + " without one, from " + from + " to " + to, ev);
        }
        if (gap > longest) {
          longest = gap;
          longestWhere = st.where(a.client(), a.link()) + ", from " + from + " to " + to;
          longestEvidence = ev;
        }
        if (b != null) {
          prev = b;
          prevT = t;
        }
      }
    }
    if (judged == 0) {
      return st.environmentError(st.clients())
          .orElseGet(() -> Verdict.undecided(judging.runOver(), "no link stayed open " + Say.s(p.every()) + ", so no heartbeat interval could be judged"
              + (judging.runOver() ? "" : " yet"), List.of()));
    }
    return Verdict.pass(judging.runOver(), what + " came at least every " + Say.bound(p.every(), tol) + " on " + Say.n(judged, "link", "links")
        + ": the longest gap was " + Say.s(longest) + " (" + longestWhere + ")", longestEvidence);
  }
}
