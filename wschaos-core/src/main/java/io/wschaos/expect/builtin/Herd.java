package io.wschaos.expect.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.expect.EndSelector;
import io.wschaos.expect.Expectation;
import io.wschaos.expect.Judging;
import io.wschaos.expect.Say;
import io.wschaos.expect.Story;
import io.wschaos.expect.ToleranceParam;
import io.wschaos.expect.Verdict;
import io.wschaos.spec.Durations;
import io.wschaos.spec.ParamException;
import io.wschaos.spec.Tolerance;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * With many instances, reconnects after a shared outage are spread out and the attempt rate stays
 * bounded (DESIGN.md, "Expectations, exactly"). The anchor is the first run-phase event of fault
 * {@code after.fault}, or, for a fault with a window (server_down, blackhole, stall, reject_handshake…),
 * its first {@code stopped} event: the reconnect after recovery, not a retry during the outage; x_i is client i's first attempt after it; spread = p90 − p10 of the x_i
 * (nearest rank: the value at rank ⌈p·n⌉ of the sorted x_i, so with 10 clients p10 is the 1st and
 * p90 the 9th); peak = the most attempts of all clients after the anchor in any sliding 1 s window
 * (attempts less than 1 s apart). Fails if a client never attempts after the anchor; needs at least
 * 10 instances. A peak too high fails at once; the spread is settled once every client attempted.
 */
public final class Herd implements Expectation {
  public static final int MIN_INSTANCES = 10;
  static final long WINDOW = 1_000_000;
  /** Faults with a window (a `for`): the herd is the reconnect after it ends. */
  static final Set<String> WINDOWED = Set.of("server_down", "blackhole", "stall", "reject_handshake", "slow_handshake", "delay", "throttle", "drop", "reorder", "idle_timeout");

  public record Min(Duration min) {}

  public record Peak(Integer max) {}

  /**
   * @param after the shared outage: {fault: ID}
   * @param spread the least p90 − p10 of first attempts
   * @param peak the most attempts in any 1 s
   */
  public record Params(JsonNode after, Min spread, Peak peak, JsonNode tolerance) {
    public Params {
      ParamException.require(after != null && !after.isNull(), "after", "herd needs after: {fault: ID}, the shared outage");
      ParamException.require(EndSelector.parse(after, "after").faultId() != null, "after", "herd anchors on a shared outage: after: {fault: ID}");
      ParamException.require(spread != null || peak != null, "", "herd needs spread: {min: DURATION}, peak: {max: N}, or both");
      ParamException.require(spread == null || spread.min() != null, "spread.min", "spread takes min: the least p90 − p10 of first attempts, e.g. 2s");
      ParamException.require(peak == null || peak.max() != null && peak.max() >= 1, "peak.max", "peak takes max: the most attempts in any 1 s, ≥ 1");
      ToleranceParam.parse(tolerance, "tolerance");
    }
  }

  private final Params p;
  private final String fault;
  private final Tolerance tolerance;

  public Herd(Params p) {
    this.p = p;
    this.fault = EndSelector.parse(p.after(), "after").faultId();
    this.tolerance = ToleranceParam.parse(p.tolerance(), "tolerance");
  }

  /** Nearest rank: the value at rank ⌈q·n⌉ (1-based) of sorted {@code xs}. */
  static long percentile(List<Long> sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(1, rank) - 1);
  }

  @Override
  public Verdict judge(Judging judging) {
    Story st = Story.of(judging);
    Tolerance tol = ToleranceParam.pick(tolerance, judging);
    if (judging.instances() < MIN_INSTANCES) {
      return Verdict.undecided(true, "herd needs at least " + MIN_INSTANCES + " client instances; this run has " + judging.instances(), List.of());
    }
    List<Event> faultEvents = st.faultEvents(fault);
    if (faultEvents.isEmpty()) {
      return st.environmentError(st.clients())
          .orElseGet(() -> Verdict.undecided(judging.runOver(), "fault " + fault + " never acted" + (judging.runOver() ? "" : " yet"), List.of()));
    }
    Event anchor = faultEvents.get(0);
    String name = ((EventBody.Fault) anchor.body()).name();
    String after = "after fault " + fault + " at " + Say.s(anchor.t());
    if (WINDOWED.contains(name)) {
      // the reconnect after recovery, not a retry during the outage: anchor where the window ends
      Optional<Event> stopped = faultEvents.stream().filter(e -> ((EventBody.Fault) e.body()).action().equals("stopped")).findFirst();
      if (stopped.isEmpty()) {
        return Verdict.undecided(judging.runOver(), "fault " + fault + " (" + name + ") started at " + Say.s(anchor.t()) + " and its window "
            + (judging.runOver() ? "never ended before the run did" : "has not ended yet") + ": the herd is judged from its end", List.of(anchor.seq()));
      }
      anchor = stopped.get();
      after = "after fault " + fault + " (" + name + ") ended at " + Say.s(anchor.t());
    }
    final Event from0 = anchor;

    // peak: all attempts after the anchor, any 1 s
    List<Story.Attempt> all = st.attempts().stream().filter(a -> a.seq() > from0.seq()).toList();
    int peak = 0;
    int peakFrom = 0;
    int peakTo = -1;
    int from = 0;
    for (int to = 0; to < all.size(); to++) {
      while (all.get(to).t() - all.get(from).t() >= WINDOW) {
        from++;
      }
      if (to - from + 1 > peak) {
        peak = to - from + 1;
        peakFrom = from;
        peakTo = to;
      }
    }
    if (p.peak() != null && peak > p.peak().max()) {
      List<Long> ev = new ArrayList<>(List.of(anchor.seq()));
      all.subList(peakFrom, peakTo + 1).stream().limit(50).forEach(a -> ev.add(a.seq()));
      return Verdict.fail("expected at most " + p.peak().max() + " attempts in any 1 s " + after + "; " + peak + " came between "
          + Say.s(all.get(peakFrom).t()) + " and " + Say.s(all.get(peakTo).t()), ev);
    }

    // spread: every client's first attempt after the anchor
    List<Long> xs = new ArrayList<>();
    List<Long> evidence = new ArrayList<>(List.of(anchor.seq()));
    String missing = null;
    for (int c : st.clients()) {
      Optional<Story.Attempt> x = st.nextAttempt(c, anchor.seq());
      if (x.isPresent()) {
        xs.add(x.get().t());
        evidence.add(x.get().seq());
        continue;
      }
      Optional<Verdict> env = st.environmentError(c);
      if (env.isPresent()) {
        return env.get();
      }
      Optional<Event> exit = st.exited(c).filter(e -> e.seq() > from0.seq());
      if (exit.isPresent()) {
        return Verdict.fail("expected every client to attempt again " + after + "; " + st.label(c) + " " + Story.describeExit(exit.get()) + " first",
            List.of(anchor.seq(), exit.get().seq()));
      }
      if (missing == null) {
        missing = st.label(c);
      }
    }
    if (missing != null) {
      String sentence = "expected every client to attempt again " + after + "; " + missing + (xs.size() < st.clients().size() - 1
          ? " and " + (st.clients().size() - xs.size() - 1) + " more" : "") + " never did";
      return judging.runOver() ? Verdict.fail(sentence + " by " + Say.s(st.runEnd()), List.of(anchor.seq()))
          : Verdict.undecided(false, "waiting: " + xs.size() + " of " + st.clients().size() + " clients attempted again " + after, List.of(anchor.seq()));
    }
    xs.sort(Long::compare);
    long p10 = percentile(xs, 0.10);
    long p90 = percentile(xs, 0.90);
    long spread = p90 - p10;
    String spreadSaid = "the " + xs.size() + " clients' first attempts spread over " + Say.s(spread) + " (p90 − p10: " + Say.s(p90) + " − " + Say.s(p10) + ")";
    if (p.spread() != null && !tol.atLeast(spread, Durations.micros(p.spread().min()))) {
      return Verdict.fail("expected the first attempts " + after + " to spread over at least " + Say.bound(p.spread().min(), tol) + "; " + spreadSaid, evidence);
    }
    return Verdict.pass(judging.runOver(), after + ", " + spreadSaid + (p.spread() == null ? "" : " (at least " + Say.bound(p.spread().min(), tol) + ")")
        + " and at most " + Say.n(peak, "attempt", "attempts") + " came in any 1 s" + (p.peak() == null ? "" : " (limit " + p.peak().max() + ")"), evidence);
  }
}
