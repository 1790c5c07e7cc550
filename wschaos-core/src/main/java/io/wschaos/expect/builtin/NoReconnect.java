package io.wschaos.expect.builtin;

import com.fasterxml.jackson.annotation.JsonProperty;
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
import io.wschaos.timeline.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * No attempt follows a selected end for that long (fatal codes: 4003 forbidden must stop the
 * client). For each end {@code after} selects, the next attempt of the same reconnect chain (client
 * and socket) must come no sooner than {@code for}: an observation window, observed whole (tolerance
 * never shortens it, DESIGN "Tolerance"). Anchor: at least one selected end. An early attempt fails
 * at once; each end's window is settled once the run has gone on past it (or the client's process
 * exited).
 */
public final class NoReconnect implements Expectation {
  /**
   * @param after which ends (required: the fatal ones)
   * @param quiet how long no attempt may follow ({@code for})
   */
  public record Params(JsonNode after, @JsonProperty("for") Duration quiet, JsonNode tolerance, JsonNode client) {
    public Params {
      PerClient.pooled(client);
      ParamException.require(after != null && !after.isNull(), "after", "no_reconnect needs after: the fatal ends, e.g. {close: 4003} or {close: 4000-4999}");
      EndSelector.parse(after, "after");
      ParamException.require(quiet != null, "for", "no_reconnect needs for: how long no attempt may follow, e.g. 10s");
      ParamException.require(!quiet.isNegative() && !quiet.isZero(), "for", "for is a duration > 0");
      ToleranceParam.parse(tolerance, "tolerance");
    }
  }

  private final Params p;
  private final EndSelector after;

  public NoReconnect(Params p) {
    this.p = p;
    this.after = EndSelector.parse(p.after(), "after");
  }

  @Override
  public Verdict judge(Judging judging) {
    return PerClient.judge(judging, PerClient.pooled(p.client()), this::judgeOne);
  }

  /** One client's judgement (or all clients', pooled). */
  private Verdict judgeOne(Judging judging) {
    Story st = Story.of(judging);
    long needed = Durations.micros(p.quiet());
    String bound = Say.s(p.quiet());

    List<Story.End> anchors = st.ends().stream().filter(e -> after.selects(e, st)).toList();
    if (anchors.isEmpty()) {
      return st.environmentError(st.clients())
          .orElseGet(() -> Verdict.undecided(judging.runOver(), after.missing() + (judging.runOver() ? "" : " yet"), List.of()));
    }
    List<Long> evidence = new ArrayList<>();
    String last = null;
    Verdict waiting = null;
    for (Story.End end : anchors) {
      evidence.add(end.seq());
      Optional<Story.Attempt> next = st.nextInChain(end);
      if (next.isPresent() && next.get().t() - end.t() < needed) {
        long d = next.get().t() - end.t();
        return Verdict.fail("expected no attempt for " + bound + " after " + st.describe(end) + "; attempt " + next.get().number()
            + " came at " + Say.s(next.get().t()) + " (" + Say.s(d) + " later)", List.of(end.seq(), next.get().seq()));
      }
      if (next.isPresent()) {
        evidence.add(next.get().seq());
        last = "the next came " + Say.s(next.get().t() - end.t()) + " after " + st.describe(end);
        continue;
      }
      Optional<Event> exit = st.exited(end.client()).filter(x -> x.seq() > end.seq());
      if (st.runEnd() - end.t() >= needed) {
        last = "none came in the " + Say.s(st.runEnd() - end.t()) + " after " + st.describe(end);
        continue;
      }
      if (exit.isPresent()) {
        evidence.add(exit.get().seq());
        last = st.label(end.client()) + " " + Story.describeExit(exit.get()) + " after " + st.describe(end);
        continue;
      }
      if (waiting == null) {
        waiting = Verdict.undecided(judging.runOver(),
            (judging.runOver() ? "the run ended when only " : "waiting: only ") + Say.s(st.runEnd() - end.t()) + " of the " + bound
                + " window after " + st.describe(end) + (judging.runOver() ? " had passed" : " have passed") + ", with no attempt so far",
            List.of(end.seq()));
      }
    }
    if (waiting != null) {
      return waiting;
    }
    return Verdict.pass(judging.runOver(),
        "no attempt came within " + bound + " of any " + after.describe() + " (" + anchors.size() + "); " + last,
        evidence);
  }
}
