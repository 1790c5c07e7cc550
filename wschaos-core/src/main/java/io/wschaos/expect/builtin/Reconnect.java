package io.wschaos.expect.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.expect.EndSelector;
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
import io.wschaos.timeline.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A new attempt follows every selected end within the bound. For each end {@code after} selects, the
 * delay is the next attempt of the same reconnect chain (the same client and socket) minus the end;
 * it must be ≤ {@code within} + tolerance.
 * Anchor: at least one selected end (else undecided). A late or missing reconnect fails at once;
 * a pass is final when the run is over (a later end could still go unanswered).
 */
public final class Reconnect implements Expectation {
  /**
   * @param after which ends (default any end the client did not start)
   * @param within the longest allowed delay
   */
  public record Params(JsonNode after, Duration within, JsonNode tolerance, JsonNode client) {
    public Params {
      PerClient.pooled(client);
      ParamException.require(within != null, "within", "reconnect needs within: the longest allowed delay, e.g. 3s");
      ParamException.require(!within.isNegative(), "within", "within cannot be negative");
      selector(after);
      ToleranceParam.parse(tolerance, "tolerance");
    }

    private static EndSelector selector(JsonNode after) {
      return after == null || after.isNull() ? EndSelector.any() : EndSelector.parse(after, "after");
    }
  }

  private final Params p;
  private final EndSelector after;
  private final Tolerance tolerance;

  public Reconnect(Params p) {
    this.p = p;
    this.after = Params.selector(p.after());
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
    long bound = Durations.micros(p.within());
    long limit = bound + tol.slackMicros(bound);
    String expected = "expected a reconnect within " + Say.bound(p.within(), tol) + " after ";

    List<Story.End> anchors = st.ends().stream().filter(e -> after.selects(e, st)).toList();
    if (anchors.isEmpty()) {
      Optional<Verdict> env = st.environmentError(st.clients());
      return env.orElseGet(() -> Verdict.undecided(judging.runOver(), after.missing() + (judging.runOver() ? "" : " yet"), List.of()));
    }
    List<Long> evidence = new ArrayList<>();
    Story.End slowest = null;
    long slowestDelay = -1;
    Verdict waiting = null;
    for (Story.End end : anchors) {
      evidence.add(end.seq());
      Optional<Story.Attempt> next = st.nextInChain(end);
      if (next.isPresent()) {
        long d = next.get().t() - end.t();
        evidence.add(next.get().seq());
        if (d > limit) {
          return Verdict.fail(
              expected + st.describe(end) + "; the next attempt came at " + Say.s(next.get().t()) + " (" + Say.s(d) + ")",
              List.of(end.seq(), next.get().seq()));
        }
        if (d > slowestDelay) {
          slowestDelay = d;
          slowest = end;
        }
        continue;
      }
      long deadline = end.t() + limit;
      Optional<Event> exit = st.exited(end.client()).filter(x -> x.seq() > end.seq());
      if (st.runEnd() > deadline) {
        return Verdict.fail(expected + st.describe(end) + "; none came by " + Say.s(st.runEnd())
            + exit.map(x -> " (" + st.label(end.client()) + " " + Story.describeExit(x) + ")").orElse(""),
            exit.map(x -> List.of(end.seq(), x.seq())).orElse(List.of(end.seq())));
      }
      if (exit.isPresent()) {
        return Verdict.fail(expected + st.describe(end) + "; " + st.label(end.client()) + " " + Story.describeExit(exit.get()) + " without attempting again",
            List.of(end.seq(), exit.get().seq()));
      }
      if (waiting == null) {
        waiting = judging.runOver()
            ? Verdict.undecided(true, "the run ended at " + Say.s(st.runEnd()) + ", " + Say.s(st.runEnd() - end.t()) + " after " + st.describe(end)
                + ", before the " + Say.bound(p.within(), tol) + " bound ran out, and no attempt had come", List.of(end.seq()))
            : Verdict.undecided(false, "waiting for a reconnect after " + st.describe(end) + ": due by " + Say.s(deadline), List.of(end.seq()));
      }
    }
    if (waiting != null) {
      return waiting;
    }
    return Verdict.pass(judging.runOver(),
        "every " + after.describe() + " (" + anchors.size() + ") was followed by a new attempt within " + Say.bound(p.within(), tol)
            + ": the slowest came " + Say.s(slowestDelay) + " after " + st.describe(slowest),
        evidence);
  }
}
