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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * No reconnect storm: at most {@code count} attempts in any window of {@code per} (in the whole run
 * without {@code per}), per client unless {@code client: any} (all clients together) or
 * {@code client: N} (that one). Every attempt counts, the first included. The window is lenient:
 * count + 1 attempts fail only when they fit in {@code per} − tolerance. Anchor: at least one
 * attempt. A storm fails at once; a pass is final when the run is over.
 */
public final class MaxAttempts implements Expectation {
  /**
   * @param count the most attempts allowed in a window
   * @param per the window (absent: the whole run)
   * @param client per client (default), any, or one client's number
   */
  public record Params(Integer count, Duration per, JsonNode client, JsonNode tolerance) {
    public Params {
      ParamException.require(count != null, "count", "max_attempts needs count: the most attempts allowed, e.g. 5");
      ParamException.require(count >= 1, "count", "count is a number of attempts ≥ 1");
      ParamException.require(per == null || !per.isNegative() && !per.isZero(), "per", "per is a duration > 0, e.g. 10s");
      clientOf(client);
      ToleranceParam.parse(tolerance, "tolerance");
    }

    /** -1: per client; 0: all together; N: client N. */
    static int clientOf(JsonNode n) {
      if (n == null || n.isNull()) {
        return -1;
      }
      if (n.isTextual() && n.asText().equals("any")) {
        return 0;
      }
      ParamException.require(n.isInt() && n.asInt() >= 1, "client", "client is any (all clients together) or a client number ≥ 1");
      return n.asInt();
    }
  }

  private final Params p;
  private final int client;
  private final Tolerance tolerance;

  public MaxAttempts(Params p) {
    this.p = p;
    this.client = Params.clientOf(p.client());
    this.tolerance = ToleranceParam.parse(p.tolerance(), "tolerance");
  }

  @Override
  public Verdict judge(Judging judging) {
    Story st = Story.of(judging);
    List<Integer> groups = client == -1 ? st.clients() : List.of(client);
    if (st.attempts().isEmpty() || client > 0 && st.attempts(client).isEmpty()) {
      return st.environmentError(client > 0 ? List.of(client) : st.clients())
          .orElseGet(() -> Verdict.undecided(judging.runOver(), "no attempt was seen" + (client > 0 ? " from client " + client : "") + (judging.runOver() ? "" : " yet"), List.of()));
    }
    // an observation window, observed whole: tolerance never shortens it (DESIGN "Tolerance")
    long window = p.per() == null ? Long.MAX_VALUE : Durations.micros(p.per());
    String scope = p.per() == null ? "in the whole run" : "in any " + Say.s(p.per()) + " window";
    List<Long> evidence = new ArrayList<>();
    String most = null;
    int mostCount = -1;
    for (int g : groups) {
      List<Story.Attempt> as = g == 0 ? st.attempts() : st.attempts(g);
      String who = g == 0 ? "all clients together" : st.label(g);
      int best = 0;
      int bestFrom = 0;
      int from = 0;
      for (int to = 0; to < as.size(); to++) {
        while (as.get(to).t() - as.get(from).t() > window) {
          from++;
        }
        int n = to - from + 1;
        if (n > p.count()) {
          List<Long> ev = new ArrayList<>();
          for (int k = from; k <= to; k++) {
            ev.add(as.get(k).seq());
          }
          return Verdict.fail("expected at most " + Say.n(p.count(), "attempt", "attempts") + " " + scope + " (" + who + "); " + n + " came between "
              + Say.s(as.get(from).t()) + " and " + Say.s(as.get(to).t()) + (p.per() == null ? "" : " (" + Say.s(as.get(to).t() - as.get(from).t()) + ")"), ev);
        }
        if (n > best) {
          best = n;
          bestFrom = from;
        }
      }
      for (Story.Attempt a : as) {
        evidence.add(a.seq());
      }
      if (best > mostCount) {
        mostCount = best;
        most = who + " made " + Say.n(as.size(), "attempt", "attempts") + (p.per() == null ? "" : ", at most " + best + " " + scope + " (from " + Say.s(as.isEmpty() ? 0 : as.get(bestFrom).t()) + ")");
      }
    }
    return Verdict.pass(judging.runOver(), most + "; the limit is " + p.count() + (p.per() == null ? " in the whole run" : ""), evidence);
  }
}
