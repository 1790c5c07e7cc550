package io.wschaos.expect.builtin;

import static io.wschaos.expect.TimelineBuilder.timeline;

import io.wschaos.expect.TimelineBuilder;
import io.wschaos.frame.Direction;
import org.junit.jupiter.api.Test;

class SurvivesTest {
  private static final String SURVIVES = "survives: {fault: bad, for: 5s, still: {kind: message, to: server, match: {type: ack}, min: 3}}";

  /**
   * Link 1 opens at 1 s; data 1..N arrive 1 s apart from 1 s on; fault bad corrupts data 5 at 5 s;
   * the client acks each data message 0.1 s later, except those in {@code noAckFrom} and after.
   */
  private static TimelineBuilder corrupted(int n, int noAckFrom) {
    TimelineBuilder tl = timeline();
    tl.at(0.9).attempt().open();
    for (int i = 1; i <= n; i++) {
      tl.at(i).toClient("{\"type\":\"data\",\"seq\":" + i + "}");
      if (i == 5) {
        tl.touch("bad", "corrupt", "corrupted", Direction.TO_CLIENT);
      } else if (i < noAckFrom) {
        tl.at(i + 0.1).toServer("{\"type\":\"ack\",\"seq\":" + i + "}");
      }
    }
    return tl;
  }

  @Test
  void aClientThatKeepsAckingAfterAMalformedMessagePasses() {
    TimelineBuilder tl = corrupted(12, 99);
    // the anchor is the corrupt event (seq 12); acks 6..9 (6.1 s … 9.1 s) lie in [5 s, 10 s]
    Expect.judge(SURVIVES, tl.judging(15, true)).passes().isFinal().evidence(12, 14, 16, 18, 20)
        .sentence("the client kept client 1, link 1 open for 5 s after the message fault bad corrupted at 5 s on client 1, link 1"
            + " and sent 4 message events to server matching {\"type\":\"ack\"} (expected at least 3)");
    Expect.judge(SURVIVES, tl.running(7.2)).undecided().isOpen().evidence(12)
        .says("waiting: 2.2 s into the 5 s after the message fault bad corrupted at 5 s", "with 2 message events to server");
  }

  @Test
  void aClientWhoseHandlerBreaksAndStopsAckingFails() {
    TimelineBuilder tl = corrupted(12, 5);
    Expect.judge(SURVIVES, tl.running(11)).fails().isFinal().evidence(12)
        .says("; it sent 0 message events to server matching {\"type\":\"ack\"} in that window, expected at least 3");
  }

  @Test
  void closingAbortingReconnectingOrExitingIsNotSurviving() {
    TimelineBuilder closed = corrupted(5, 99);
    closed.at(5.2).closeByClient(1011);
    Expect.judge(SURVIVES, closed.running(5.3)).fails().isFinal().evidence(12, 13).says("; it closed it (close 1011) 0.2 s later");

    TimelineBuilder reconnected = corrupted(5, 99);
    reconnected.at(5.5).attempt();
    Expect.judge(SURVIVES, reconnected.running(5.6)).fails().evidence(12, 13).says("(a reconnect is not surviving)");

    TimelineBuilder crashed = corrupted(5, 99);
    crashed.at(5.1).exited(1);
    Expect.judge(SURVIVES, crashed.running(5.2)).fails().evidence(12, 13).says("; its process exited with code 1 at 5.1 s");
  }

  @Test
  void aLinkTheServerEndsInsideTheWindowCannotBeJudged() {
    TimelineBuilder tl = corrupted(6, 99);
    tl.at(7).closeByServer(1001);
    Expect.judge(SURVIVES, tl.judging(15, true)).undecided().isFinal().evidence(12, tl.seq())
        .says("client 1, link 1 ended with close 1001 by server 2 s after the message fault bad corrupted at 5 s");
  }

  @Test
  void aFaultThatLetNoMessageThroughIsUndecided() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open().at(2).toClient("{}").touch("bad", "drop", "dropped", Direction.TO_CLIENT);
    Expect.judge(SURVIVES, tl.judging(15, true)).undecided().isFinal().evidence(4)
        .sentence("fault bad touched no message that reached the client (1 event, none let a message through to it)");
    Expect.judge(SURVIVES, timeline().judging(15, true)).undecided().sentence("fault bad never acted");
  }

  @Test
  void stillDefaultsToTheDeclaredAcksSoATimerThatKeepsTickingIsNotSurviving() {
    TimelineBuilder tl = corrupted(6, 5).declare("ack", "server", "{type: ack}", "/seq");
    for (int i = 6; i <= 9; i++) {
      tl.at(i + 0.5).toServer("{\"type\":\"tick\",\"n\":" + i + "}"); // a timer, not a response
    }
    Expect.judge("survives: {fault: bad, for: 5s, still: {to: server, match: {type: tick}}}", tl.judging(20, true)).passes();
    Expect.judge("survives: {fault: bad, for: 5s}", tl.judging(20, true)).fails()
        .says("it sent 0 message events to server matching {\"type\":\"ack\"} in that window, expected at least 1");
    Expect.judge("survives: {fault: bad, for: 5s}", corrupted(12, 99).declare("ack", "server", "{type: ack}", "/seq").judging(15, true)).passes();
    Expect.judge("survives: {fault: bad, for: 5s}", corrupted(12, 99).judging(15, true)).undecided().says("survives needs still");
  }

  @Test
  void kindDefaultsToMessageWhenMatchOrToIsGiven() {
    Expect.judge("survives: {fault: bad, for: 5s, still: {to: server, match: {type: ack}, min: 3}}", corrupted(12, 99).judging(15, true)).passes();
  }
}
