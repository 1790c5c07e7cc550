package io.wschaos.expect.builtin;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The delays between a client's consecutive failed attempts fit a capped geometric envelope
 * (DESIGN.md, "Expectations, exactly"). Per client, a <i>run</i> is a series of consecutive attempts
 * that never opened; d_k is the start of the attempt after failed attempt k minus the end of attempt
 * k (the attempt after the last failed one may be the one that opens). The delay from the outage (the
 * end of the link before the run) to the run's first attempt is bounded only by {@code first.max}.
 * Every run's delays must fit ({@link BackoffEnvelope}) and, once it has as many delays as its jitter
 * class needs, show growth ({@link BackoffGrowth}: with jitter the envelope lets a flat sequence fit);
 * runs are taken per reconnect chain. A run that stops with fewer than
 * {@code attempts} failed attempts, no open after it, and a silence longer than any fitting envelope
 * allows (or the client's process exited) fails: "gave up after 3". Passing needs, for every client
 * that failed to connect at all, one run of at least {@code attempts} failed attempts that grew.
 */
public final class Backoff implements Expectation {
  public record Max(Duration max) {}

  public record Span(Duration min, Duration max) {}

  public record Factor(Double min, Double max) {}

  /**
   * @param attempts how many failed attempts in a row a run must reach (default 4)
   * @param first bound on the delay from the outage to the first attempt (default none)
   * @param initial the first envelope value I (default 50ms–10s)
   * @param factor the growth f (default 1.2–3)
   * @param cap the largest cap c allowed (default 60s); c ≥ I·f² always
   * @param jitter none (default), equal (0.5), full (1) or a fraction j
   */
  public record Params(Integer attempts, Max first, Span initial, Factor factor, Max cap, JsonNode jitter, JsonNode tolerance) {
    public Params {
      attempts = attempts == null ? 4 : attempts;
      ParamException.require(attempts >= 2, "attempts", "attempts is a number of failed attempts ≥ 2 (one delay needs two)");
      ParamException.require(first == null || first.max() != null, "first.max", "first takes max: a duration");
      Duration iMin = initial == null || initial.min() == null ? Duration.ofMillis(50) : initial.min();
      Duration iMax = initial == null || initial.max() == null ? Duration.ofSeconds(10) : initial.max();
      ParamException.require(!iMin.isNegative() && !iMin.isZero(), "initial.min", "initial.min is a duration > 0");
      ParamException.require(iMin.compareTo(iMax) <= 0, "initial.max", "initial.max (" + Durations.format(iMax) + ") is below initial.min (" + Durations.format(iMin) + ")");
      initial = new Span(iMin, iMax);
      double fMin = factor == null || factor.min() == null ? 1.2 : factor.min();
      double fMax = factor == null || factor.max() == null ? Math.max(3, fMin) : factor.max();
      ParamException.require(fMin >= 1, "factor.min", "factor.min is a growth factor ≥ 1, e.g. 1.5");
      ParamException.require(fMin <= fMax, "factor.max", "factor.max (" + fMax + ") is below factor.min (" + fMin + ")");
      factor = new Factor(fMin, fMax);
      cap = cap == null || cap.max() == null ? new Max(Duration.ofSeconds(60)) : cap;
      ParamException.require(
          Durations.micros(cap.max()) >= Durations.micros(iMin) * fMin * fMin,
          "cap.max",
          "cap.max (" + Durations.format(cap.max()) + ") is below initial.min·factor.min² (" + Say.s(Math.round(Durations.micros(iMin) * fMin * fMin)) + "): the delays must be allowed to grow twice");
      jitterOf(jitter);
      ToleranceParam.parse(tolerance, "tolerance");
    }

    static double jitterOf(JsonNode n) {
      if (n == null || n.isNull()) {
        return 0;
      }
      if (n.isNumber()) {
        ParamException.require(n.asDouble() >= 0 && n.asDouble() <= 1, "jitter", n + " is not a jitter fraction in [0, 1]");
        return n.asDouble();
      }
      return switch (n.asText()) {
        case "none" -> 0;
        case "equal" -> 0.5;
        case "full" -> 1;
        default -> throw new ParamException("jitter", "'" + n.asText() + "' is not a jitter (none, equal, full, or a fraction in [0, 1])");
      };
    }
  }

  /** One series of consecutive failed attempts. {@code next}: the attempt after it (it opened), or null. */
  private record Run(List<Story.Attempt> failed, Story.Attempt next, Story.End outage) {
    long[] delays() {
      List<Long> d = new ArrayList<>();
      for (int k = 0; k < failed.size(); k++) {
        Story.Attempt after = k + 1 < failed.size() ? failed.get(k + 1) : next;
        if (after == null) {
          break;
        }
        d.add(Math.max(0, after.t() - endOf(failed.get(k))));
      }
      return d.stream().mapToLong(Long::longValue).toArray();
    }

    List<Long> evidence() {
      List<Long> e = new ArrayList<>();
      if (outage != null) {
        e.add(outage.seq());
      }
      for (Story.Attempt a : failed) {
        e.add(a.seq());
        if (a.end() != null) {
          e.add(a.end().seq());
        }
      }
      if (next != null) {
        e.add(next.seq());
      }
      return e;
    }
  }

  private enum State {
    FAIL,
    WAITING,
    UNCLEAR,
    SHORT,
    PASS,
    NONE
  }

  /** The verdict on one closed series of delays, without sentences: what the error-rate measurement runs. */
  enum Decision {
    PASS,
    FAIL,
    UNDECIDED
  }

  /** {@code decide(d, box) == PASS}, without the envelope search when growth alone already rules a pass out. */
  static boolean passes(long[] d, BackoffEnvelope.Box box) {
    return BackoffGrowth.judge(d, box).state() == BackoffGrowth.State.GROWS && BackoffEnvelope.fits(d, box);
  }

  /**
   * The judgement of one series of delays d_1..d_n (µs) that ended with an open or with the run, with
   * at least {@code attempts} failed attempts: the envelope (necessary), then growth (sufficient).
   * {@link #judge} reaches the same verdict on such a run and adds the sentences.
   */
  static Decision decide(long[] d, BackoffEnvelope.Box box) {
    BackoffGrowth.State growth = BackoffGrowth.judge(d, box).state();
    if (growth == BackoffGrowth.State.FLAT || !BackoffEnvelope.fits(d, box)) {
      return Decision.FAIL; // flat or outside every envelope: a fail either way, so the costlier search can be skipped
    }
    return growth == BackoffGrowth.State.GROWS ? Decision.PASS : Decision.UNDECIDED;
  }

  private record Outcome(State state, String sentence, List<Long> evidence) {}

  private final Params p;
  private final double jitter;
  private final Tolerance tolerance;

  public Backoff(Params p) {
    this.p = p;
    this.jitter = Params.jitterOf(p.jitter());
    this.tolerance = ToleranceParam.parse(p.tolerance(), "tolerance");
  }

  private static long endOf(Story.Attempt a) {
    return a.end() != null ? a.end().t() : a.t();
  }

  @Override
  public Verdict judge(Judging judging) {
    Story st = Story.of(judging);
    Tolerance tol = ToleranceParam.pick(tolerance, judging);
    BackoffEnvelope.Box box = new BackoffEnvelope.Box(
        Durations.micros(p.initial().min()), Durations.micros(p.initial().max()), p.factor().min(), p.factor().max(),
        Durations.micros(p.cap().max()), jitter, tol);
    Optional<Verdict> env = st.environmentError(st.clients());
    if (env.isPresent()) {
      return env.get();
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (int client : st.clients()) {
      Outcome o = judge(st, client, box, tol);
      if (o.state() == State.FAIL) {
        return Verdict.fail(o.sentence(), o.evidence());
      }
      outcomes.add(o);
    }
    for (Outcome o : outcomes) {
      if (o.state() == State.WAITING) {
        return Verdict.undecided(judging.runOver(), o.sentence(), o.evidence());
      }
    }
    List<Outcome> judged = outcomes.stream().filter(o -> o.state() != State.NONE).toList();
    if (judged.isEmpty()) {
      return Verdict.undecided(judging.runOver(), "no client ever failed to connect, so there was no backoff to judge" + (judging.runOver() ? "" : " yet"), List.of());
    }
    for (Outcome o : judged) {
      if (o.state() == State.UNCLEAR || o.state() == State.SHORT) {
        return Verdict.undecided(judging.runOver(), o.sentence(), o.evidence());
      }
    }
    List<Long> evidence = new ArrayList<>();
    judged.forEach(o -> evidence.addAll(o.evidence()));
    String sentence = judged.size() == 1 ? judged.get(0).sentence() : "all " + judged.size() + " clients backed off within the envelope; e.g. " + judged.get(0).sentence();
    return Verdict.pass(judging.runOver(), sentence, evidence);
  }

  private Outcome judge(Story st, int client, BackoffEnvelope.Box box, Tolerance tol) {
    // per reconnect chain (socket): two sockets' attempts interleaved are no one backoff sequence
    List<Run> runs = new ArrayList<>();
    for (Story.Chain chain : st.chains(client)) {
      runs.addAll(runs(chain.attempts()));
    }
    if (runs.isEmpty()) {
      return new Outcome(State.NONE, null, List.of());
    }
    String who = st.label(client);
    String rule = "jitter " + jitterName() + ", tolerance " + Say.rule(tol);
    Outcome qualified = null;
    Outcome pending = null;
    Outcome unclear = null;
    Outcome tooFew = null;
    int longest = 0;
    Run longestRun = null;
    for (Run run : runs) {
      long[] d = run.delays();
      if (p.first() != null && run.outage() != null) {
        long first = run.failed().get(0).t() - run.outage().t();
        long bound = Durations.micros(p.first().max());
        if (!tol.atMost(first, bound)) {
          return new Outcome(State.FAIL, who + "'s first attempt after " + st.describe(run.outage()) + " came " + Say.s(first)
              + " later, more than first.max " + Say.bound(p.first().max(), tol), List.of(run.outage().seq(), run.failed().get(0).seq()));
        }
      }
      BackoffEnvelope.Fit fit = BackoffEnvelope.fit(d, box);
      if (!fit.fits()) {
        return new Outcome(State.FAIL, who + "'s delays between failed attempts (" + Say.list(toList(d)) + ") fit no envelope with initial "
            + Say.s(p.initial().min()) + "–" + Say.s(p.initial().max()) + ", factor " + Say.trim(p.factor().min()) + "–" + Say.trim(p.factor().max())
            + " and a cap from initial·factor² to " + Say.s(p.cap().max()) + " (" + rule + "): with the closest, initial "
            + Say.s(Math.round(fit.initial())) + " and factor " + Say.trim(fit.factor()) + ", " + fit.why(), run.evidence());
      }
      int n = run.failed().size();
      if (run.next() == null && n < p.attempts()) {
        Story.Attempt last = run.failed().get(n - 1);
        if (last.end() == null) {
          pending = new Outcome(State.WAITING, "waiting for failed attempt " + n + " of " + who + " (link " + last.link() + ") to end", run.evidence());
          continue;
        }
        long lastEnd = last.end().t();
        Optional<Event> exit = st.exited(client).filter(x -> x.seq() > last.end().seq());
        String gaveUp = who + " gave up after " + Say.n(n, "failed attempt", "failed attempts") + " (expected at least " + p.attempts() + "): ";
        if (exit.isPresent()) {
          List<Long> ev = new ArrayList<>(run.evidence());
          ev.add(exit.get().seq());
          return new Outcome(State.FAIL, gaveUp + "its process " + Story.describeExit(exit.get()), ev);
        }
        double allowed = BackoffEnvelope.longestNext(d, box);
        long silence = st.runEnd() - lastEnd;
        if (silence > allowed) {
          return new Outcome(State.FAIL, gaveUp + "no attempt followed the failure at " + Say.s(lastEnd) + " for " + Say.s(silence)
              + ", longer than any fitting envelope allows (" + Say.s(Math.round(allowed)) + ")", run.evidence());
        }
        pending = new Outcome(State.WAITING, (st.runOver() ? "the run ended " : "waiting: ") + Say.s(silence) + " after failed attempt " + n + " of "
            + who + " at " + Say.s(lastEnd) + "; a fitting envelope allows the next up to " + Say.s(Math.round(allowed))
            + " later, and " + p.attempts() + " failed attempts in a row are needed", run.evidence());
        continue;
      }
      if (n > longest) {
        longest = n;
        longestRun = run;
      }
      if (n < p.attempts()) {
        continue;
      }
      String fitted = who + "'s delays between " + n + " failed attempts (" + Say.list(toList(d)) + ") fit the envelope initial "
          + Say.s(Math.round(fit.initial())) + ", factor " + Say.trim(fit.factor()) + ", " + capSaid(fit) + " (" + rule + ")";
      BackoffGrowth.Growth growth = BackoffGrowth.judge(d, box);
      boolean closed = run.next() != null || st.runOver();
      switch (growth.state()) {
        case GROWS -> {
          if (qualified == null) {
            qualified = new Outcome(State.PASS, fitted + " and " + growth.said(), run.evidence());
          }
        }
        case FLAT -> {
          String flat = who + "'s delays between " + n + " failed attempts (" + Say.list(toList(d)) + ") fit the envelope (" + rule
              + ") only as a flat sequence does: they " + growth.said();
          if (closed) {
            return new Outcome(State.FAIL, flat, run.evidence());
          }
          pending = new Outcome(State.WAITING, "so far " + flat + "; waiting for the outage to end", run.evidence());
        }
        case UNCLEAR -> unclear = unclear != null ? unclear : new Outcome(State.UNCLEAR, fitted + " but " + growth.said(), run.evidence());
        case TOO_FEW -> tooFew = tooFew != null ? tooFew : new Outcome(State.SHORT, fitted + ", but " + growth.said(), run.evidence());
      }
    }
    if (qualified != null) {
      return qualified;
    }
    if (pending != null) {
      return pending;
    }
    if (unclear != null) {
      return unclear;
    }
    if (tooFew != null) {
      return tooFew;
    }
    return new Outcome(State.SHORT, who + " had at most " + Say.n(longest, "failed attempt", "failed attempts") + " in a row before it connected again; "
        + p.attempts() + " are needed to judge its backoff", longestRun == null ? List.of() : longestRun.evidence());
  }

  /** "cap 7.524–8.526 s" when the delays levelled off, "cap ≥ 15.143 s" when no cap showed. */
  private String capSaid(BackoffEnvelope.Fit fit) {
    long lo = Math.round(fit.cap());
    long hi = Math.round(fit.capHigh());
    if (hi >= Durations.micros(p.cap().max())) {
      return "cap ≥ " + Say.s(lo);
    }
    return lo == hi ? "cap " + Say.s(lo) : "cap " + Durations.seconds(lo) + "–" + Say.s(hi);
  }

  private String jitterName() {
    return jitter == 0 ? "none" : jitter == 1 ? "full" : jitter == 0.5 ? "equal" : Say.trim(jitter);
  }

  private static List<Long> toList(long[] d) {
    List<Long> out = new ArrayList<>();
    for (long x : d) {
      out.add(x);
    }
    return out;
  }

  private static List<Run> runs(List<Story.Attempt> attempts) {
    List<Run> runs = new ArrayList<>();
    List<Story.Attempt> cur = new ArrayList<>();
    Story.End outage = null;
    Story.End curOutage = null;
    for (Story.Attempt a : attempts) {
      if (a.opened()) {
        if (!cur.isEmpty()) {
          runs.add(new Run(List.copyOf(cur), a, curOutage));
          cur.clear();
        }
        outage = a.end();
      } else {
        if (cur.isEmpty()) {
          curOutage = outage;
        }
        cur.add(a);
      }
    }
    if (!cur.isEmpty()) {
      runs.add(new Run(List.copyOf(cur), null, curOutage));
    }
    return runs;
  }
}
