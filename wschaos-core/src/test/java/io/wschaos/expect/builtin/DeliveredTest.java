package io.wschaos.expect.builtin;

import static io.wschaos.expect.TimelineBuilder.timeline;

import io.wschaos.expect.TimelineBuilder;
import io.wschaos.frame.Direction;
import org.junit.jupiter.api.Test;

class DeliveredTest {
  private static final String DELIVERED = "delivered: {to: server, seq: client_seq, lost: 0}";

  private static TimelineBuilder declared() {
    return timeline().declare("client_seq", "server", "{type: tick}", "/n");
  }

  private static String tick(long n) {
    return "{\"type\":\"tick\",\"n\":" + n + "}";
  }

  /** Link 1 carries ticks {@code first}, aborted at 3 s; link 2 opens at 4 s and carries {@code second}. */
  private static TimelineBuilder twoLinks(long[] first, long[] second) {
    TimelineBuilder tl = declared();
    tl.at(1).attempt().open();
    double t = 1.1;
    for (long n : first) {
      tl.at(t += 0.1).toServer(tick(n));
    }
    tl.at(3).abortByProxy("reset", "cut").at(4).attempt().open();
    t = 4.1;
    for (long n : second) {
      tl.at(t += 0.1).toServer(tick(n));
    }
    return tl;
  }

  @Test
  void aClientThatBuffersWhileDisconnectedLosesNothing() {
    TimelineBuilder tl = twoLinks(new long[] {1, 2, 3, 4, 5}, new long[] {6, 7, 8, 9, 10});
    Expect.judge(DELIVERED, tl.judging(10, true)).passes().isFinal().evidence(3, 15)
        .sentence("in client_seq (/n of {\"type\":\"tick\"} to server) from 1 to 10 across 2 links, none was lost, none forwarded more than once (allowed: any)");
  }

  @Test
  void aClientThatDropsWhatItSentWhileDisconnectedFailsWhenTheRunIsOver() {
    TimelineBuilder tl = twoLinks(new long[] {1, 2, 3, 4, 5}, new long[] {9, 10, 11, 12});
    // evidence: the last number before the gap (5, seq 7) and the first after it (9, seq 11)
    Expect.judge(DELIVERED, tl.running(6)).undecided().isOpen().evidence(7, 11).says("so far: ", "(they may still be resent)");
    Expect.judge(DELIVERED, tl.judging(10, true)).fails().isFinal().evidence(7, 11)
        .sentence("expected at most 0 lost in client_seq (/n of {\"type\":\"tick\"} to server) from 1 to 12 across 2 links;"
            + " 3 never reached the proxy on any link (6–8)");
    Expect.judge("delivered: {seq: client_seq, lost: 3}", tl.judging(10, true)).passes().says("3 were lost (allowed: 3)");
  }

  @Test
  void resendingIsCorrectByDefaultAndCountedWhenLimited() {
    TimelineBuilder tl = twoLinks(new long[] {1, 2, 3, 4, 5}, new long[] {5, 6, 7});
    Expect.judge(DELIVERED, tl.judging(10, true)).passes().says("1 forwarded more than once (allowed: any)");
    Expect.judge("delivered: {seq: client_seq, duplicated: 0}", tl.running(5)).fails().isFinal().evidence(7, 11)
        .sentence("expected at most 0 numbers of client_seq (/n of {\"type\":\"tick\"} to server) forwarded more than once; 1 was: 5");
  }

  @Test
  void orderedNeedsFirstArrivalsToIncrease() {
    TimelineBuilder tl = twoLinks(new long[] {1, 2, 3, 4, 5}, new long[] {8, 6, 7});
    Expect.judge(DELIVERED, tl.judging(10, true)).passes();
    Expect.judge("delivered: {seq: client_seq, ordered: true}", tl.running(5)).fails().isFinal().evidence(11, 12)
        .sentence("expected client_seq (/n of {\"type\":\"tick\"} to server) to arrive in order; 6 first arrived at 4.3 s (link 2), after 8 at 4.2 s");
  }

  @Test
  void whatAFaultLostInTransitCountsOnlyWhenStrict() {
    TimelineBuilder tl = declared();
    tl.at(1).attempt().open();
    for (int n = 1; n <= 5; n++) {
      tl.at(1 + n * 0.1).toServer(tick(n));
      if (n == 4) {
        tl.touch("f1", "drop", "dropped", Direction.TO_SERVER);
      }
    }
    Expect.judge(DELIVERED, tl.judging(10, true)).passes().says("(1 lost in transit by faults, not counted without strict)");
    Expect.judge("delivered: {seq: client_seq, strict: true}", tl.judging(10, true)).fails().evidence(6, 7)
        .says("1 reached it but was never forwarded (4)");
  }

  @Test
  void anInlineSequenceOverridesTheDeclarationAndAMissingDeclarationIsSaid() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open().toServer(tick(1)).toServer(tick(2));
    Expect.judge(DELIVERED, tl.judging(10, true)).undecided().isFinal()
        .sentence("messages.client_seq is not declared: declare it under messages: or give seq as {match: {…}, field: /pointer}");
    Expect.judge("delivered: {seq: {match: {type: tick}, field: /n}}", tl.judging(10, true)).passes()
        .says("in /n of {\"type\":\"tick\"} to server from 1 to 2 across 1 link");
  }

  @Test
  void withoutASequenceDistinctPayloadsAreComparedWithThoseForwarded() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open();
    tl.toServer("{\"type\":\"order\",\"id\":\"a\"}").toServer("{\"type\":\"order\",\"id\":\"b\"}");
    tl.touch("f1", "drop", "dropped", Direction.TO_SERVER);
    long dropped = tl.seq();
    tl.toServer("{\"type\":\"order\",\"id\":\"a\"}");
    Expect.judge("delivered: {match: {type: order}}", tl.judging(10, true)).fails().evidence(dropped - 1, dropped)
        .sentence("expected at most 0 of the 2 distinct messages to server matching {\"type\":\"order\"} that reached the proxy to be lost; 1 was never forwarded");
    Expect.judge("delivered: {match: {type: order}, lost: 1, duplicated: 0}", tl.judging(10, true)).fails()
        .says("forwarded more than once; 1 was");
  }

  @Test
  void withoutAnyNumberedMessageItIsUndecided() {
    TimelineBuilder tl = declared();
    tl.at(1).attempt().open();
    Expect.judge(DELIVERED, tl.judging(10, true)).undecided().isFinal()
        .sentence("no message of client_seq (/n of {\"type\":\"tick\"} to server) was seen");
  }

  @Test
  void aClientThatStopsSendingAfterAnOutageFailsThoughNothingBetweenFirstAndLastIsMissing() {
    TimelineBuilder tl = timeline().declare("client_seq", "server", "{type: tick}", "/n");
    tl.at(0.1).attempt().open();
    for (int n = 1; n <= 4; n++) {
      tl.at(n).toServer("{\"type\":\"tick\",\"n\":" + n + "}");
    }
    long last = tl.seq();
    tl.at(4.5).fault("outage", "blackhole", "started").at(5.2).abortByProxy("fin", "outage");
    long cut = tl.seq();
    tl.at(6).attempt().open(); // it comes back, but never sends again
    Expect.judge("delivered: {seq: client_seq}", tl.judging(12, true)).fails().evidence(last, cut)
        .sentence("client 1 sent nothing above 4 after fault outage ended at 5.2 s (it had ended client 1, link 1 with abort (fin) by proxy"
            + " (fault outage) at 5.2 s): its sequence never continued after the outage");

    tl.at(7).toServer("{\"type\":\"tick\",\"n\":5}");
    Expect.judge("delivered: {seq: client_seq}", tl.judging(12, true)).passes();
  }

  @Test
  void theSequenceMustContinueAfterTheFaultsWindowEndsNotDuringIt() {
    TimelineBuilder tl = timeline().declare("client_seq", "server", "{type: tick}", "/n");
    tl.at(0.1).attempt().open().at(1).toServer("{\"type\":\"tick\",\"n\":1}");
    tl.at(2).abortByProxy("reset", "down");
    tl.at(2.5).resetAttempt("down").at(3).listenerFault("down", "server_down", "stopped");
    Expect.judge("delivered: {seq: client_seq}", tl.judging(12, true)).fails().says("after fault down ended at 3 s");
  }

  @Test
  void aServerRestartByAFaultCountsAsAnOutageTheSequenceMustContinueAfter() {
    TimelineBuilder tl = timeline().declare("client_seq", "server", "{type: tick}", "/n");
    tl.at(0.1).attempt().open().at(1).toServer("{\"type\":\"tick\",\"n\":1}");
    tl.at(2).listenerFault("bounce", "restart_server", "restart").link(1).at(2.01).closeByServer(1012);
    tl.at(2.5).server("restarted").at(3).attempt().open();
    Expect.judge("delivered: {seq: client_seq}", tl.judging(12, true)).fails().says("client 1 sent nothing above 1 after fault bounce ended at 2.5 s");
  }
  @Test
  void towardTheClientAClientThatNeverComesBackAfterTheOutageFailsAtTheEndUndecidedBefore() {
    // mutants/stops-after-abort.js on delivery/outage.yaml: nothing between first and last is missing
    TimelineBuilder tl = timeline().declare("seq", "client", "{type: tick}", "/n");
    tl.at(0.1).attempt().open();
    for (int n = 1; n <= 15; n++) {
      tl.at(0.1 + n * 0.1).toClient(tick(n));
    }
    long last = tl.seq();
    tl.at(1.8).fault("outage", "blackhole", "started").at(2.2).abortByProxy("reset", "outage");
    long cut = tl.seq();
    tl.at(2.9).fault("outage", "blackhole", "stopped");
    long over = tl.seq();
    String toClient = "delivered: {to: client, seq: seq}";
    Expect.judge(toClient, tl.running(5)).undecided().isOpen().says("so far: client 1 received nothing above 15 after fault outage ended at 2.9 s", "(it may still come)");
    Expect.judge(toClient, tl.judging(12, true)).fails().isFinal().evidence(last, cut, over)
        .sentence("client 1 received nothing above 15 after fault outage ended at 2.9 s (it had ended client 1, link 1 with abort (reset) by proxy"
            + " (fault outage) at 2.2 s): its sequence never continued after the outage");

    // a number above 15 forwarded to it after the fault is over continues the sequence
    tl.at(3.5).attempt().open().at(3.6).toClient(tick(16)).at(3.7).toClient(tick(17));
    Expect.judge(toClient, tl.judging(12, true)).passes().isFinal();
  }
}
