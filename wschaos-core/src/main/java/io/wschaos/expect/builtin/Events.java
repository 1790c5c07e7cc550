package io.wschaos.expect.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.expect.EventCount;
import io.wschaos.expect.Expectation;
import io.wschaos.expect.Judging;
import io.wschaos.expect.Say;
import io.wschaos.expect.Story;
import io.wschaos.expect.Verdict;
import io.wschaos.frame.Direction;
import io.wschaos.spec.Durations;
import io.wschaos.spec.ParamException;
import io.wschaos.timeline.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A general count over the timeline: run-phase events of one {@code kind} (optionally {@code to} a
 * side, matching {@code match}), within the scenario-time window {@code within: [from, to]} (both
 * inclusive; the whole run without it), must number {@code count} ({min, max}, or N exactly; with
 * neither, at least one). Counted per client unless {@code client: any} (all together) or
 * {@code client: N}; an event that belongs to no client (a server event, a fault on the listener)
 * counts for every client. The window's edges take no tolerance. Above max fails at once; below min
 * fails once the window is over.
 */
public final class Events implements Expectation {
  /**
   * @param within [from, to] in scenario time (default: the whole run)
   * @param client per client (default), any, or one client's number
   */
  public record Params(String kind, Direction to, JsonNode match, JsonNode count, Integer min, Integer max, List<Duration> within, JsonNode client) {
    public Params {
      EventCount.parse(new EventCount.Spec(kind, to, match, count, min, max), "");
      ParamException.require(within == null || within.size() == 2, "within", "within is [from, to] in scenario time, e.g. [2s, 8s]");
      ParamException.require(within == null || within.get(0).compareTo(within.get(1)) <= 0, "within", "within's from (" + (within == null ? "" : Durations.format(within.get(0)))
          + ") is after its to (" + (within == null ? "" : Durations.format(within.get(1))) + ")");
      MaxAttempts.Params.clientOf(client);
    }
  }

  private final Params p;
  private final EventCount count;
  private final int client;

  public Events(Params p) {
    this.p = p;
    this.count = EventCount.parse(new EventCount.Spec(p.kind(), p.to(), p.match(), p.count(), p.min(), p.max()), "");
    this.client = MaxAttempts.Params.clientOf(p.client());
  }

  @Override
  public Verdict judge(Judging judging) {
    Story st = Story.of(judging);
    long from = p.within() == null ? Long.MIN_VALUE : Durations.micros(p.within().get(0));
    long to = p.within() == null ? Long.MAX_VALUE : Durations.micros(p.within().get(1));
    String window = p.within() == null ? "in the run" : "in [" + Say.s(from) + ", " + Say.s(to) + "]";
    boolean complete = p.within() == null ? judging.runOver() : st.runEnd() >= to || judging.runOver();
    List<Integer> groups = client == -1 ? (st.clients().isEmpty() ? List.of(0) : st.clients()) : List.of(client);
    boolean cut = judging.runOver() && p.within() != null && st.runEnd() < to;

    List<Event> matched = new ArrayList<>();
    for (Event e : st.events()) {
      if (e.t() >= from && e.t() <= to && count.matches(e, st)) {
        matched.add(e);
      }
    }
    List<Long> evidence = new ArrayList<>();
    String said = null;
    boolean pending = false;
    for (int g : groups) {
      List<Long> mine = new ArrayList<>();
      for (Event e : matched) {
        int owner = e.link() != 0 ? st.attemptOnLink(e.link()).map(Story.Attempt::client).orElse(e.client()) : e.client();
        if (g == 0 || owner == g || owner == 0) {
          mine.add(e.seq());
        }
      }
      String who = g == 0 ? "" : " (" + st.label(g) + ")";
      int n = mine.size();
      if (count.max() != null && n > count.max()) {
        return Verdict.fail("expected " + count.range() + " " + count.describe() + " " + window + who + "; " + n + " came", mine.subList(0, Math.min(20, n)));
      }
      if (n < count.min()) {
        if (cut) {
          return Verdict.undecided(true, "the run ended at " + Say.s(st.runEnd()) + ", before the window [" + Say.s(from) + ", " + Say.s(to) + "] was over, with "
              + count.counted(n) + who + " (expected " + count.range() + ")", mine.subList(0, Math.min(20, n)));
        }
        if (complete) {
          Optional<Verdict> env = g == 0 ? st.environmentError(st.clients()) : st.environmentError(g);
          if (env.isPresent()) {
            return env.get();
          }
          return Verdict.fail("expected " + count.range() + " " + count.describe() + " " + window + who + "; " + (n == 0 ? "none" : String.valueOf(n)) + " came",
              mine.subList(0, Math.min(20, n)));
        }
        pending = true;
        if (said == null || !said.startsWith("so far")) {
          said = "so far " + count.counted(n) + " " + window + who + ", expected " + count.range();
        }
        evidence.addAll(mine.subList(0, Math.min(20, n)));
        continue;
      }
      evidence.addAll(mine.subList(0, Math.min(20, n)));
      if (said == null) {
        said = count.counted(n) + " " + window + who + " (expected " + count.range() + ")";
      }
    }
    if (pending) {
      return Verdict.undecided(false, said, evidence);
    }
    boolean fin = complete || count.max() == null;
    return Verdict.pass(fin, (groups.size() > 1 ? "every client had " + count.range() + " " + count.describe() + " " + window + "; e.g. " : "") + said, evidence);
  }
}
