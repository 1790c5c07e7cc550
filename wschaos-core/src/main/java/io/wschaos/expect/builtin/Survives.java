package io.wschaos.expect.builtin;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.expect.EventCount;
import io.wschaos.expect.Expectation;
import io.wschaos.expect.Judging;
import io.wschaos.expect.PerClient;
import io.wschaos.expect.Say;
import io.wschaos.expect.Story;
import io.wschaos.expect.ToleranceParam;
import io.wschaos.expect.Verdict;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Leg;
import io.wschaos.expect.Messages;
import io.wschaos.spec.Durations;
import io.wschaos.spec.ParamException;
import io.wschaos.spec.Tolerance;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The link stays open and the client keeps working after a fault. Anchor, per link: the first
 * message toward the client that fault {@code fault} touched and let through (corrupted, injected,
 * duplicated, delayed…; not dropped, swallowed or discarded) — without one, undecided. Over
 * [anchor, anchor + {@code for}]: the client neither closed nor aborted that link, nor attempted
 * again on that socket (a reconnect is not surviving), and its process did not exit, within {@code
 * for} (an observation window: tolerance never shortens it); and the {@code still} count (an {@code
 * events}-style count over that client's events) holds: it must show the client still responding,
 * so it defaults to the declared {@code ack} sequence (at least one ack), and {@code validate} asks
 * for it when there is none. If someone else ended the link within the window, survival cannot be judged
 * (undecided). Fails at once; passes once the window is over.
 */
public final class Survives implements Expectation {
  private static final Set<String> NOT_THROUGH = Set.of("started", "stopped", "skipped", "dropped", "swallowed", "discarded");

  /**
   * @param fault the fault's id
   * @param span how long the client must keep working ({@code for})
   * @param still what it must keep doing: {kind, to, match, count|min|max}
   */
  public record Params(String fault, @JsonProperty("for") Duration span, EventCount.Spec still, JsonNode tolerance, JsonNode client) {
    public Params {
      PerClient.pooled(client);
      ParamException.require(fault != null && !fault.isBlank(), "fault", "survives needs fault: the id of the fault to survive");
      ParamException.require(span != null, "for", "survives needs for: how long the client must keep working after the fault, e.g. 5s");
      ParamException.require(!span.isNegative() && !span.isZero(), "for", "for is a duration > 0");
      if (still != null) {
        EventCount.parse(still, "still.");
      }
      ToleranceParam.parse(tolerance, "tolerance");
    }
  }

  private final Params p;
  private final EventCount still;
  private final Tolerance tolerance;

  public Survives(Params p) {
    this.p = p;
    this.still = p.still() == null ? null : EventCount.parse(p.still(), "still.");
    this.tolerance = ToleranceParam.parse(p.tolerance(), "tolerance");
  }

  @Override
  public Verdict judge(Judging judging) {
    return PerClient.judge(judging, PerClient.pooled(p.client()), this::judgeOne);
  }

  /** One client's judgement (or all clients', pooled). */
  private Verdict judgeOne(Judging judging) {
    Story st = Story.of(judging);
    long span = Durations.micros(p.span());
    long needed = span; // an observation window, observed whole (DESIGN "Tolerance")
    Messages.Declaration ack = judging.messages() == null ? null : judging.messages().get("ack");
    EventCount still = this.still != null ? this.still : ack != null ? EventCount.of(ack) : null;
    if (still == null) {
      return Verdict.undecided(true, "survives needs still: what shows the client still responding (acks, replies); no ack sequence is declared", List.of());
    }
    List<Event> events = st.faultEvents(p.fault());
    Map<Integer, Event> anchors = new LinkedHashMap<>();
    for (Event e : events) {
      EventBody.Fault f = (EventBody.Fault) e.body();
      if (e.link() != 0 && f.to() == Direction.TO_CLIENT && !NOT_THROUGH.contains(f.action())) {
        anchors.putIfAbsent(e.link(), e);
      }
    }
    if (anchors.isEmpty()) {
      String why = events.isEmpty() ? "fault " + p.fault() + " never acted"
          : "fault " + p.fault() + " touched no message that reached the client (" + Say.n(events.size(), "event", "events") + ", none let a message through to it)";
      return st.environmentError(st.clients())
          .orElseGet(() -> Verdict.undecided(judging.runOver(), why + (judging.runOver() ? "" : " yet"), events.stream().limit(5).map(Event::seq).toList()));
    }
    String bound = Say.s(p.span());
    List<Long> evidence = new ArrayList<>();
    String passed = null;
    Verdict waiting = null;
    for (Event anchor : anchors.values()) {
      Optional<Story.Attempt> link = st.attemptOnLink(anchor.link());
      int client = link.map(Story.Attempt::client).orElse(anchor.client());
      String what = "the message fault " + p.fault() + " " + ((EventBody.Fault) anchor.body()).action() + " at " + Say.s(anchor.t()) + " on "
          + st.where(client, anchor.link());
      String expected = "expected the client to keep " + st.where(client, anchor.link()) + " open and working for " + bound + " after " + what;
      long deadline = anchor.t() + needed;

      for (Event e : st.link(anchor.link())) {
        if (e.seq() > anchor.seq() && e.t() < deadline
            && (e.body() instanceof EventBody.Close c && c.leg() == Leg.CLIENT && "client".equals(c.by())
                || e.body() instanceof EventBody.Abort a && a.leg() == Leg.CLIENT && "client".equals(a.by()))) {
          return Verdict.fail(expected + "; it " + (e.body() instanceof EventBody.Close c ? "closed it (close " + c.code() + ")" : "dropped its TCP")
              + " " + Say.s(e.t() - anchor.t()) + " later", List.of(anchor.seq(), e.seq()));
        }
      }
      // a reconnect of this socket (the next attempt of its chain) or a new socket opened beside it;
      // another socket's own reconnect says nothing about this link
      Optional<Story.Chain> mine = st.chainOf(anchor.link());
      Optional<Story.Attempt> next = st.attempts(client).stream()
          .filter(a -> a.seq() > anchor.seq() && a.t() < deadline)
          .filter(a -> st.chainOf(a.link()).map(c -> mine.map(m -> m.equals(c)).orElse(true) || c.first().equals(a)).orElse(true))
          .findFirst();
      if (next.isPresent()) {
        return Verdict.fail(expected + "; it attempted a new connection " + Say.s(next.get().t() - anchor.t()) + " later (a reconnect is not surviving)",
            List.of(anchor.seq(), next.get().seq()));
      }
      Optional<Event> exit = st.exited(client).filter(x -> x.seq() > anchor.seq() && x.t() < deadline);
      if (exit.isPresent()) {
        return Verdict.fail(expected + "; its process " + Story.describeExit(exit.get()), List.of(anchor.seq(), exit.get().seq()));
      }
      Story.End end = link.map(Story.Attempt::end).orElse(null);
      if (end != null && end.seq() > anchor.seq() && end.t() < deadline) {
        return Verdict.undecided(true, st.where(client, anchor.link()) + " ended with " + end.describe() + " " + Say.s(end.t() - anchor.t()) + " after " + what
            + ", so survival over " + bound + " could not be judged", List.of(anchor.seq(), end.seq()));
      }
      boolean complete = st.runEnd() >= deadline;
      List<Long> counted = new ArrayList<>();
      if (still != null) {
        for (Event e : st.events()) {
          if (e.t() < anchor.t() || e.t() > anchor.t() + span) {
            continue;
          }
          int owner = e.link() != 0 ? st.attemptOnLink(e.link()).map(Story.Attempt::client).orElse(e.client()) : e.client();
          if (owner == client && still.matches(e, st)) {
            counted.add(e.seq());
          }
        }
        if (still.max() != null && counted.size() > still.max() || complete && counted.size() < still.min()) {
          List<Long> ev = new ArrayList<>(List.of(anchor.seq()));
          ev.addAll(counted.stream().limit(20).toList());
          return Verdict.fail(expected + "; it sent " + still.counted(counted.size()) + " in that window, expected " + still.range(), ev);
        }
      }
      if (!complete) {
        if (waiting == null) {
          waiting = Verdict.undecided(judging.runOver(), (judging.runOver() ? "the run ended " : "waiting: ") + Say.s(st.runEnd() - anchor.t()) + " into the "
              + bound + " after " + what + (still == null ? "" : ", with " + still.counted(counted.size()) + " so far (expected " + still.range() + ")"),
              List.of(anchor.seq()));
        }
        continue;
      }
      evidence.add(anchor.seq());
      evidence.addAll(counted.stream().limit(20).toList());
      passed = "the client kept " + st.where(client, anchor.link()) + " open for " + bound + " after " + what
          + (still == null ? "" : " and sent " + still.counted(counted.size()) + " (expected " + still.range() + ")");
    }
    if (waiting != null) {
      return waiting;
    }
    return Verdict.pass(judging.runOver(), passed, evidence);
  }
}
