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
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every message forwarded to the client is acknowledged once, in time. Judged over the messages of
 * {@code message} (default the declared {@code seq}) that the proxy forwarded to the client (a fault
 * did not drop, swallow or discard them), timed at their ingress; acks ({@code ack}, default the
 * declared {@code ack}) are timed at ingress too, even if a fault then dropped them. A number is acked
 * in time when some forwarding of it is followed by an ack of the same number within {@code within}
 * + tolerance. A number none of whose forwardings was acked in time fails once one of them was
 * "due": its bound ran out while its link was still open and the run still going. Forwardings whose
 * link ended or whose run ended within the bound are not judged (the client could not answer).
 * {@code exactly_once}: a number forwarded once and acked more than once fails. Anchor: at least one
 * judged number.
 */
public final class Acked implements Expectation {
  /**
   * @param message the acknowledged messages: a declared name or {match, field} (default seq)
   * @param ack the acks: a declared name or {match, field} (default ack)
   * @param within the bound from forwarding to ack
   * @param exactly_once flag a second ack of a message delivered once (default false)
   */
  public record Params(JsonNode message, JsonNode ack, Duration within, Boolean exactly_once, JsonNode tolerance, JsonNode client) {
    public Params {
      PerClient.pooled(client);
      MessageRef.parse(message, "message", true);
      MessageRef.parse(ack, "ack", true);
      ParamException.require(within != null, "within", "acked needs within: the bound from a message to its ack, e.g. 1s");
      ParamException.require(!within.isNegative(), "within", "within cannot be negative");
      exactly_once = exactly_once != null && exactly_once;
      ToleranceParam.parse(tolerance, "tolerance");
    }
  }

  private final Params p;
  private final MessageRef message;
  private final MessageRef ack;
  private final Tolerance tolerance;

  public Acked(Params p) {
    this.p = p;
    MessageRef m = MessageRef.parse(p.message(), "message", true);
    MessageRef a = MessageRef.parse(p.ack(), "ack", true);
    this.message = m != null ? m : MessageRef.named("seq");
    this.ack = a != null ? a : MessageRef.named("ack");
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
    Messages.Declaration md = message.resolve(judging.messages(), Direction.TO_CLIENT);
    Messages.Declaration ad = ack.resolve(judging.messages(), Direction.TO_SERVER);
    if (md == null || ad == null) {
      return Verdict.undecided(true, md == null ? message.undeclared("message") : ack.undeclared("ack"), List.of());
    }
    long bound = Durations.micros(p.within());
    long limit = bound + tol.slackMicros(bound);
    String what = MessageRef.describe(md);

    Map<Long, List<Story.Numbered>> forwarded = new LinkedHashMap<>();
    for (Story.Numbered n : st.numbers(md)) {
      if (st.lostBy(n.event()).isEmpty()) {
        forwarded.computeIfAbsent(n.value(), k -> new ArrayList<>()).add(n);
      }
    }
    Map<Long, List<Story.Numbered>> acks = new LinkedHashMap<>();
    for (Story.Numbered a : st.numbers(ad)) {
      acks.computeIfAbsent(a.value(), k -> new ArrayList<>()).add(a);
    }

    int judged = 0;
    int unjudged = 0;
    long slowest = -1;
    List<Long> slowestEvidence = List.of();
    for (Map.Entry<Long, List<Story.Numbered>> e : forwarded.entrySet()) {
      long n = e.getKey();
      List<Story.Numbered> fwd = e.getValue();
      List<Story.Numbered> itsAcks = acks.getOrDefault(n, List.of());
      if (p.exactly_once() && fwd.size() == 1 && itsAcks.size() > 1) {
        return Verdict.fail("expected each " + what + " delivered once to be acked once; " + n + " was forwarded once at " + Say.s(fwd.get(0).t())
            + " and acked " + itsAcks.size() + " times (at " + Say.s(itsAcks.get(0).t()) + " and " + Say.s(itsAcks.get(1).t()) + ")",
            List.of(fwd.get(0).seq(), itsAcks.get(0).seq(), itsAcks.get(1).seq()));
      }
      Long best = null;
      List<Long> bestEvidence = null;
      Story.Numbered due = null;
      Story.Numbered dueAck = null;
      for (Story.Numbered f : fwd) {
        Story.Numbered a = firstAfter(itsAcks, f.seq());
        if (a != null && a.t() - f.t() <= limit) {
          if (best == null || a.t() - f.t() < best) {
            best = a.t() - f.t();
            bestEvidence = List.of(f.seq(), a.seq());
          }
        } else if (due == null && isDue(st, f, limit)) {
          due = f;
          dueAck = a;
        }
      }
      if (best != null) {
        judged++;
        if (best > slowest) {
          slowest = best;
          slowestEvidence = bestEvidence;
        }
      } else if (due != null) {
        String fwdAt = n + " was forwarded at " + Say.s(due.t()) + " (link " + due.event().link() + ")";
        if (dueAck != null) {
          return Verdict.fail("expected every " + what + " acked within " + Say.bound(p.within(), tol) + "; " + fwdAt + " and its ack came at "
              + Say.s(dueAck.t()) + " (" + Say.s(dueAck.t() - due.t()) + ")", List.of(due.seq(), dueAck.seq()));
        }
        return Verdict.fail("expected every " + what + " acked within " + Say.bound(p.within(), tol) + "; " + fwdAt + " and never acked", List.of(due.seq()));
      } else {
        unjudged++;
      }
    }
    if (judged == 0) {
      return st.environmentError(st.clients())
          .orElseGet(() -> Verdict.undecided(judging.runOver(), forwarded.isEmpty()
              ? "no " + what + " was forwarded to the client" + (judging.runOver() ? "" : " yet")
              : "none of the " + forwarded.size() + " forwarded " + what + " could be judged: each one's link or the run ended within the bound", List.of()));
    }
    return Verdict.pass(judging.runOver(), Say.n(judged, "forwarded " + what + " was", "forwarded " + what + " were") + " acked within " + Say.bound(p.within(), tol)
        + ", the slowest in " + Say.s(slowest) + (unjudged == 0 ? "" : "; " + unjudged + " not judged (their link or the run ended within the bound)"), slowestEvidence);
  }

  /** The bound ran out while the link was open and the run went on: the client had its chance. */
  private static boolean isDue(Story st, Story.Numbered f, long limit) {
    long deadline = f.t() + limit;
    if (st.runEnd() <= deadline) {
      return false;
    }
    Story.End end = st.attemptOnLink(f.event().link()).map(Story.Attempt::end).orElse(null);
    return end == null || end.t() > deadline;
  }

  private static Story.Numbered firstAfter(List<Story.Numbered> list, long seq) {
    for (Story.Numbered n : list) {
      if (n.seq() > seq) {
        return n;
      }
    }
    return null;
  }
}
