package io.wschaos.expect.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.expect.Expectation;
import io.wschaos.expect.Judging;
import io.wschaos.expect.PerClient;
import io.wschaos.expect.Say;
import io.wschaos.expect.Story;
import io.wschaos.expect.ToleranceParam;
import io.wschaos.expect.Verdict;
import io.wschaos.spec.Durations;
import io.wschaos.spec.ParamException;
import io.wschaos.spec.Tolerance;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * After a link that stayed up {@code stable}, the next reconnect comes within {@code within} again:
 * the client reset its backoff after a success. Anchor: a link that stayed open ≥ {@code stable}
 * (− tolerance) and then ended other than by the client, where the same client had earlier waited
 * longer than {@code within} (+ tolerance) between failed attempts — proof its backoff had grown.
 * Without such a link the verdict is undecided. The next attempt of the same reconnect chain (the
 * same socket) must come ≤ {@code within} + tolerance after that end.
 */
public final class BackoffReset implements Expectation {
  /**
   * @param stable how long a link must have stayed open
   * @param within the bound on the next reconnect after it
   */
  public record Params(Duration stable, Duration within, JsonNode tolerance, JsonNode client) {
    public Params {
      PerClient.pooled(client);
      ParamException.require(stable != null, "stable", "backoff_reset needs stable: how long a link must stay open to count as a success, e.g. 10s");
      ParamException.require(within != null, "within", "backoff_reset needs within: the bound on the reconnect after a stable link, e.g. 2s");
      ParamException.require(!stable.isNegative() && !within.isNegative(), stable.isNegative() ? "stable" : "within", "durations cannot be negative");
      ToleranceParam.parse(tolerance, "tolerance");
    }
  }

  private final Params p;
  private final Tolerance tolerance;

  public BackoffReset(Params p) {
    this.p = p;
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
    long stable = Durations.micros(p.stable());
    long within = Durations.micros(p.within());
    long limit = within + tol.slackMicros(within);
    String missing = null;
    List<Long> missingEvidence = List.of();
    List<Long> evidence = new ArrayList<>();
    String passed = null;
    Verdict waiting = null;
    List<Story.Chain> chains = new ArrayList<>();
    st.clients().forEach(c -> chains.addAll(st.chains(c)));
    for (Story.Chain chain : chains) { // per socket: another socket's attempts are no reconnect of this one
      int client = chain.client();
      List<Story.Attempt> attempts = chain.attempts();
      for (int i = 0; i < attempts.size(); i++) {
        Story.Attempt link = attempts.get(i);
        Story.End end = link.end();
        if (!link.opened() || end == null || end.byClient() || !tol.atLeast(end.t() - link.open().t(), stable)) {
          continue;
        }
        long up = end.t() - link.open().t();
        Optional<long[]> grown = longestEarlierWait(attempts.subList(0, i + 1));
        if (grown.isEmpty() || grown.get()[0] <= limit) {
          if (missing == null) {
            missing = st.label(client) + "'s link " + link.link() + " stayed open " + Say.s(up) + " and ended, but " + st.label(client)
                + (grown.isEmpty() ? " had no failed attempt before it" : " had never waited longer than " + Say.bound(p.within(), tol)
                    + " between failed attempts before it (longest " + Say.s(grown.get()[0]) + ")")
                + ", so nothing shows its backoff had grown";
            missingEvidence = grown.isEmpty() ? List.of(link.open().seq(), end.seq()) : List.of(grown.get()[1], grown.get()[2], link.open().seq(), end.seq());
          }
          continue;
        }
        List<Long> ev = List.of(grown.get()[1], grown.get()[2], link.open().seq(), end.seq());
        String anchor = "after " + st.where(client, link.link()) + " stayed open " + Say.s(up) + " (≥ " + Say.s(p.stable()) + ") and ended with "
            + end.describe() + " at " + Say.s(end.t()) + ", having waited " + Say.s(grown.get()[0]) + " between failed attempts before";
        Optional<Story.Attempt> next = i + 1 < attempts.size() ? Optional.of(attempts.get(i + 1)) : Optional.empty();
        if (next.isPresent()) {
          long d = next.get().t() - end.t();
          List<Long> all = new ArrayList<>(ev);
          all.add(next.get().seq());
          if (d > limit) {
            return Verdict.fail("expected the backoff to reset: a reconnect within " + Say.bound(p.within(), tol) + " " + anchor
                + "; the next attempt came " + Say.s(d) + " later", all);
          }
          evidence.addAll(all);
          passed = "the next attempt came " + Say.s(d) + " " + anchor + ", within " + Say.bound(p.within(), tol);
        } else if (st.runEnd() > end.t() + limit) {
          return Verdict.fail("expected the backoff to reset: a reconnect within " + Say.bound(p.within(), tol) + " " + anchor + "; none came by "
              + Say.s(st.runEnd()), ev);
        } else if (waiting == null) {
          waiting = Verdict.undecided(judging.runOver(), (judging.runOver() ? "the run ended" : "waiting for a reconnect") + " " + anchor
              + "; due by " + Say.s(end.t() + limit), ev);
        }
      }
    }
    if (waiting != null) {
      return waiting;
    }
    if (passed != null) {
      return Verdict.pass(judging.runOver(), passed, evidence);
    }
    Optional<Verdict> env = st.environmentError(st.clients());
    if (env.isPresent()) {
      return env.get();
    }
    return Verdict.undecided(judging.runOver(),
        missing != null ? missing : "no link stayed open " + Say.s(p.stable()) + " and then ended (other than by the client)" + (judging.runOver() ? "" : " yet"),
        missingEvidence);
  }

  /**
   * The longest wait after a failed attempt among {@code earlier} (up to and including the stable
   * link's attempt): its end to the start of the next attempt (which may be one that opened), with
   * the seqs of that end and that attempt.
   */
  private static Optional<long[]> longestEarlierWait(List<Story.Attempt> earlier) {
    long[] best = null;
    for (int k = 0; k + 1 < earlier.size(); k++) {
      Story.Attempt a = earlier.get(k);
      Story.Attempt b = earlier.get(k + 1);
      if (a.opened() || a.end() == null) {
        continue;
      }
      long d = b.t() - a.end().t();
      if (best == null || d > best[0]) {
        best = new long[] {d, a.end().seq(), b.seq()};
      }
    }
    return Optional.ofNullable(best);
  }
}
