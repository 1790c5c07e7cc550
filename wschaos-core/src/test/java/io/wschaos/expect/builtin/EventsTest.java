package io.wschaos.expect.builtin;

import static io.wschaos.expect.TimelineBuilder.timeline;

import io.wschaos.expect.TimelineBuilder;
import org.junit.jupiter.api.Test;

class EventsTest {
  private static final String ACKS = "events: {kind: message, to: server, match: {type: ack}, min: 5, within: [2s, 8s]}";

  /** Acks every second from 1 s to {@code last} s. */
  private static TimelineBuilder acking(int last) {
    TimelineBuilder tl = timeline();
    tl.at(0.5).attempt().open();
    for (int i = 1; i <= last; i++) {
      tl.at(i).toServer("{\"type\":\"ack\",\"seq\":" + i + "}");
    }
    return tl;
  }

  @Test
  void enoughMatchingEventsInTheWindowPass() {
    TimelineBuilder tl = acking(10);
    // acks 2..8 (seq 4..10) lie in [2 s, 8 s]
    Expect.judge(ACKS, tl.running(9)).passes().isFinal().evidence(4, 5, 6, 7, 8, 9, 10)
        .sentence("7 message events to server matching {\"type\":\"ack\"} in [2 s, 8 s] (client 1) (expected at least 5)");
  }

  @Test
  void tooFewFailOnceTheWindowIsOverAndAreOpenBefore() {
    TimelineBuilder tl = acking(4);
    Expect.judge(ACKS, tl.running(5)).undecided().isOpen().evidence(4, 5, 6)
        .sentence("so far 3 message events to server matching {\"type\":\"ack\"} in [2 s, 8 s] (client 1), expected at least 5");
    Expect.judge(ACKS, tl.running(8.5)).fails().isFinal().evidence(4, 5, 6)
        .sentence("expected at least 5 message events to server matching {\"type\":\"ack\"} in [2 s, 8 s] (client 1); 3 came");
    Expect.judge(ACKS, tl.judging(6, true)).undecided().isFinal().says("the run ended at 6 s, before the window [2 s, 8 s] was over");
  }

  @Test
  void tooManyFailAtOnce() {
    TimelineBuilder tl = acking(10);
    Expect.judge("events: {kind: message, to: server, count: {max: 2}}", tl.running(3)).fails().isFinal().evidence(3, 4, 5)
        .sentence("expected at most 2 message events to server in the run (client 1); 3 came");
  }

  @Test
  void matchReadsTheFieldsOfKindsOtherThanMessages() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open().at(2).closeByServer(4001).at(3).attempt().open().at(4).closeByServer(1001);
    Expect.judge("events: {kind: close, match: {code: 4001, by: server}, count: 1}", tl.judging(10, true)).passes().evidence(3);
    Expect.judge("events: {kind: attempt, count: {min: 3}}", tl.judging(10, true)).fails().says("; 2 came");
  }

  @Test
  void countsArePerClientUnlessClientAny() {
    TimelineBuilder tl = timeline().instances(2);
    tl.client(1).at(1).attempt().open();
    tl.client(2).at(1.5).attempt();
    tl.client(1).at(2).attempt();
    Expect.judge("events: {kind: attempt, min: 2}", tl.judging(10, true)).fails().evidence(3).says("(client 2); 1 came");
    Expect.judge("events: {kind: attempt, min: 3, client: any}", tl.judging(10, true)).passes().evidence(1, 3, 4);
  }

  @Test
  void kindDefaultsToMessageWhenToOrMatchIsGivenAndWithinIsScenarioTime() {
    TimelineBuilder tl = io.wschaos.expect.TimelineBuilder.timeline();
    tl.at(3.0).header(); // t = 0 of the scenario is 3 s into the timeline
    tl.at(3.5).attempt().open().at(4.0).toServer("{\"type\":\"ack\",\"seq\":1}").at(6.5).toServer("{\"type\":\"ack\",\"seq\":2}");
    Expect.judge("events: {to: server, match: {type: ack}, min: 2}", tl.judging(8, true)).passes();
    Expect.judge("events: {match: {type: ack}, within: [0s, 2s], count: 1}", tl.judging(8, true)).passes().says("in [0 s, 2 s]");
    Expect.judge("events: {to: server, within: [3s, 4s], count: 1}", tl.judging(8, true)).passes();
  }
}
