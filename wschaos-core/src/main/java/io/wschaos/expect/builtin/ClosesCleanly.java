package io.wschaos.expect.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.wschaos.expect.CodeSet;
import io.wschaos.expect.Expectation;
import io.wschaos.expect.Judging;
import io.wschaos.expect.PerClient;
import io.wschaos.expect.Say;
import io.wschaos.expect.Story;
import io.wschaos.expect.Verdict;
import io.wschaos.frame.Leg;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import java.util.ArrayList;
import java.util.List;

/**
 * The client ends its links with a proper close. Every link the client ended itself must end with
 * its close frame carrying a code in {@code code} (default: any code a client may send: 1000-1003,
 * 1007-1011, 3000-4999), not with a bare FIN or RST; and every link the server or the proxy closed
 * with a close frame must see the client answer with its own close frame (the closing handshake)
 * rather than drop the TCP. Links ended by an abort or a rejection from the other side are not
 * judged (the client had no close to give). Teardown does not count, so the client's behaviour on
 * TERM is not judged. Anchor: at least one judged link. A bad end fails at once.
 */
public final class ClosesCleanly implements Expectation {
  private static final CodeSet CLIENT_CODES = CodeSet.parse(
      JsonNodeFactory.instance.arrayNode().add("1000-1003").add("1007-1011").add("3000-4999"), "code", "close code", 1000, 4999);

  /** @param code the codes the client may close with (default any a client may send) */
  public record Params(JsonNode code, JsonNode client) {
    public Params {
      PerClient.pooled(client);
      codesOf(code);
    }

    static CodeSet codesOf(JsonNode n) {
      return n == null || n.isNull() ? CLIENT_CODES : CodeSet.parse(n, "code", "close code", 1000, 4999);
    }
  }

  private final CodeSet codes;
  private final boolean pooled;

  public ClosesCleanly(Params p) {
    this.pooled = PerClient.pooled(p.client());
    this.codes = Params.codesOf(p.code());
  }

  @Override
  public Verdict judge(Judging judging) {
    return PerClient.judge(judging, pooled, this::judgeOne);
  }

  /** One client's judgement (or all clients', pooled). */
  private Verdict judgeOne(Judging judging) {
    Story st = Story.of(judging);
    int judged = 0;
    List<Long> evidence = new ArrayList<>();
    String last = null;
    Verdict waiting = null;
    for (Story.Attempt a : st.attempts()) {
      Story.End end = a.end();
      if (!a.opened() || end == null) {
        continue;
      }
      String where = st.where(a.client(), a.link());
      if (end.byClient()) {
        judged++;
        if (end.cause() == Story.Cause.ABORT) {
          return Verdict.fail("expected the client to end its links with a close frame (" + codes.describe() + "); it dropped " + where + "'s TCP ("
              + ((EventBody.Abort) end.event().body()).mode() + ") at " + Say.s(end.t()) + " without one", List.of(end.seq()));
        }
        if (!codes.contains(end.clientCode())) {
          return Verdict.fail("expected the client to close with " + codes.describe() + "; it closed " + where + " at " + Say.s(end.t()) + " with "
              + (end.code() == null ? "no code (1005)" : String.valueOf(end.code())), List.of(end.seq()));
        }
        evidence.add(end.seq());
        last = "it closed " + where + " with " + end.code() + " at " + Say.s(end.t());
        continue;
      }
      if (end.cause() != Story.Cause.CLOSE) {
        continue;
      }
      Event answer = null;
      Event dropped = null;
      for (Event e : st.link(a.link())) {
        if (e.seq() <= end.seq()) {
          continue;
        }
        if (e.body() instanceof EventBody.Close c && c.leg() == Leg.CLIENT && "client".equals(c.by())) {
          answer = e;
          break;
        }
        if (e.body() instanceof EventBody.Abort ab && ab.leg() == Leg.CLIENT && dropped == null) {
          dropped = e;
        }
        if (e.body() instanceof EventBody.Ended && dropped == null) {
          dropped = e;
        }
      }
      String asked = end.describe() + " at " + Say.s(end.t()) + " on " + where;
      if (answer != null) {
        judged++;
        evidence.add(end.seq());
        evidence.add(answer.seq());
        last = "it answered " + asked + " with its close frame " + Say.s(answer.t() - end.t()) + " later";
      } else if (dropped != null) {
        judged++;
        String how = dropped.body() instanceof EventBody.Abort ab && "client".equals(ab.by()) ? "it dropped the TCP (" + ab.mode() + ") at " + Say.s(dropped.t())
            : "it never answered; the link ended at " + Say.s(dropped.t()) + (dropped.body() instanceof EventBody.Abort ab2 && ab2.detail() != null ? " (" + ab2.detail() + ")" : "");
        return Verdict.fail("expected the client to answer a close with its own close frame; after " + asked + " " + how, List.of(end.seq(), dropped.seq()));
      } else if (waiting == null) {
        waiting = Verdict.undecided(judging.runOver(), (judging.runOver() ? "the run ended before the client answered " : "waiting for the client to answer ") + asked,
            List.of(end.seq()));
      }
    }
    if (waiting != null) {
      return waiting;
    }
    if (judged == 0) {
      return st.environmentError(st.clients())
          .orElseGet(() -> Verdict.undecided(judging.runOver(), "the client neither ended a link itself nor was sent a close to answer"
              + (judging.runOver() ? " during the run (teardown does not count)" : " yet"), List.of()));
    }
    return Verdict.pass(judging.runOver(), "the client closed properly on " + Say.n(judged, "link", "links") + "; the last: " + last, evidence);
  }
}
