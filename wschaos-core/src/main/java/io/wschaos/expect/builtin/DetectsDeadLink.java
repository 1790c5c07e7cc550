package io.wschaos.expect.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.expect.Expectation;
import io.wschaos.expect.Judging;
import io.wschaos.expect.PerClient;
import io.wschaos.expect.Say;
import io.wschaos.expect.Story;
import io.wschaos.expect.ToleranceParam;
import io.wschaos.expect.Verdict;
import io.wschaos.frame.Leg;
import io.wschaos.spec.Durations;
import io.wschaos.spec.ParamException;
import io.wschaos.spec.Tolerance;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * After a blackhole starts on a link, the client notices: from the blackhole's {@code started}
 * event on that link to the first of the client's close frame read on it, the client's FIN or RST on
 * it, or a new attempt by that client, at most {@code within} + tolerance. Only what the client does
 * before the proxy itself ends that link counts (the blackhole's {@code then: abort} or {@code close},
 * an idle timeout): if the proxy ends it first, the client did not detect it and the verdict fails.
 * Anchor: a blackhole that started on a link (every one, or those of fault {@code fault}). Too slow
 * fails at once.
 */
public final class DetectsDeadLink implements Expectation {
  /**
   * @param within the bound on detection
   * @param fault only this blackhole fault's starts (default every blackhole)
   */
  public record Params(Duration within, String fault, JsonNode tolerance, JsonNode client) {
    public Params {
      PerClient.pooled(client);
      ParamException.require(within != null, "within", "detects_dead_link needs within: how soon the client must notice, e.g. 10s");
      ParamException.require(!within.isNegative(), "within", "within cannot be negative");
      ParamException.require(fault == null || !fault.isBlank(), "fault", "fault is a fault id");
      ToleranceParam.parse(tolerance, "tolerance");
    }
  }

  private final Params p;
  private final Tolerance tolerance;

  public DetectsDeadLink(Params p) {
    this.p = p;
    this.tolerance = ToleranceParam.parse(p.tolerance(), "tolerance");
  }

  @Override
  public Verdict judge(Judging judging) {
    return PerClient.judge(judging, PerClient.pooled(p.client()), this::judgeOne);
  }

  /** The proxy's own close or abort toward the client on the blackholed link, after its start. */
  private static Optional<Event> proxyEnded(Story st, Event start) {
    for (Event e : st.link(start.link())) {
      if (e.seq() > start.seq()
          && (e.body() instanceof EventBody.Close c && c.leg() == Leg.CLIENT && "proxy".equals(c.by())
              || e.body() instanceof EventBody.Abort a && a.leg() == Leg.CLIENT && "proxy".equals(a.by()))) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  private static String describeProxyEnd(Event e) {
    if (e.body() instanceof EventBody.Close c) {
      return "close " + c.code() + " by proxy" + (c.fault() == null ? "" : " (fault " + c.fault() + ")");
    }
    EventBody.Abort a = (EventBody.Abort) e.body();
    return "abort (" + (a.mode() == null ? "fin" : a.mode()) + ") by proxy" + (a.fault() == null ? "" : " (fault " + a.fault() + ")");
  }

  /** One client's judgement (or all clients', pooled). */
  private Verdict judgeOne(Judging judging) {
    Story st = Story.of(judging);
    Tolerance tol = ToleranceParam.pick(tolerance, judging);
    long bound = Durations.micros(p.within());
    long limit = bound + tol.slackMicros(bound);
    List<Event> starts = st.starts("blackhole").stream()
        .filter(e -> p.fault() == null || ((EventBody.Fault) e.body()).fault().equals(p.fault())).toList();
    if (starts.isEmpty()) {
      return st.environmentError(st.clients())
          .orElseGet(() -> Verdict.undecided(judging.runOver(), "no blackhole" + (p.fault() == null ? "" : " of fault " + p.fault()) + " ever started on a link"
              + (judging.runOver() ? "" : " yet"), List.of()));
    }
    String expected = "expected the client to notice a dead link within " + Say.bound(p.within(), tol) + " (close it, drop it, or reconnect)";
    List<Long> evidence = new ArrayList<>();
    long slowest = -1;
    String slowestSaid = null;
    Verdict waiting = null;
    for (Event start : starts) {
      Optional<Story.Attempt> link = st.attemptOnLink(start.link());
      int client = link.map(Story.Attempt::client).orElse(start.client());
      String where = "the blackhole " + ((EventBody.Fault) start.body()).fault() + " that started at " + Say.s(start.t()) + " on " + st.where(client, start.link());
      Event detected = null;
      String how = null;
      for (Event e : st.link(start.link())) {
        if (e.seq() <= start.seq()) {
          continue;
        }
        if (e.body() instanceof EventBody.Close c && c.leg() == Leg.CLIENT && "client".equals(c.by())) {
          detected = e;
          how = "closed it";
          break;
        }
        if (e.body() instanceof EventBody.Abort a && a.leg() == Leg.CLIENT && "client".equals(a.by())) {
          detected = e;
          how = "dropped its TCP (" + (a.mode() == null ? "fin" : a.mode()) + ")";
          break;
        }
      }
      Optional<Story.Attempt> next = st.nextAttempt(client, start.seq());
      if (next.isPresent() && (detected == null || next.get().seq() < detected.seq())) {
        detected = next.get().event();
        how = "attempted again";
      }
      Optional<Event> proxyEnd = proxyEnded(st, start);
      if (proxyEnd.isPresent() && (detected == null || proxyEnd.get().seq() < detected.seq())) {
        // the blackhole's own then (abort, close) or an idle timeout cut the link first: the client
        // only reacted to what the proxy did, it never noticed the dead link itself
        Event pe = proxyEnd.get();
        return Verdict.fail(expected + "; after " + where + " the proxy itself ended the link first (" + describeProxyEnd(pe) + " at " + Say.s(pe.t())
            + ", " + Say.s(pe.t() - start.t()) + " later), and the client had not noticed by then", List.of(start.seq(), pe.seq()));
      }
      if (detected != null) {
        long d = detected.t() - start.t();
        if (d > limit) {
          return Verdict.fail(expected + "; after " + where + " it " + how + " only at " + Say.s(detected.t()) + " (" + Say.s(d) + ")",
              List.of(start.seq(), detected.seq()));
        }
        evidence.add(start.seq());
        evidence.add(detected.seq());
        if (d > slowest) {
          slowest = d;
          slowestSaid = "it " + how + " " + Say.s(d) + " after " + where;
        }
        continue;
      }
      if (st.runEnd() > start.t() + limit) {
        return Verdict.fail(expected + "; after " + where + " it did nothing by " + Say.s(st.runEnd()), List.of(start.seq()));
      }
      Optional<Event> exit = st.exited(client).filter(x -> x.seq() > start.seq());
      if (exit.isPresent()) {
        return Verdict.fail(expected + "; after " + where + " its process " + Story.describeExit(exit.get()), List.of(start.seq(), exit.get().seq()));
      }
      if (waiting == null) {
        waiting = Verdict.undecided(judging.runOver(), (judging.runOver() ? "the run ended " : "waiting: ") + Say.s(st.runEnd() - start.t())
            + " after " + where + ", before the " + Say.bound(p.within(), tol) + " bound ran out, and the client had not noticed", List.of(start.seq()));
      }
    }
    if (waiting != null) {
      return waiting;
    }
    return Verdict.pass(judging.runOver(), "the client noticed every dead link (" + starts.size() + ") within " + Say.bound(p.within(), tol) + "; the slowest: "
        + slowestSaid, evidence);
  }
}
