package io.wschaos.expect.builtin;

import static io.wschaos.expect.TimelineBuilder.timeline;

import io.wschaos.expect.TimelineBuilder;
import io.wschaos.frame.Direction;
import org.junit.jupiter.api.Test;

class AckedTest {
  private static final String ACKED = "acked: {within: 1s}";

  private static TimelineBuilder declared() {
    return timeline().declare("seq", "client", "{type: data}", "/seq").declare("ack", "server", "{type: ack}", "/seq");
  }

  private static String data(long n) {
    return "{\"type\":\"data\",\"seq\":" + n + "}";
  }

  private static String ack(long n) {
    return "{\"type\":\"ack\",\"seq\":" + n + "}";
  }

  @Test
  void everyForwardedMessageAckedInTimePassesCitingTheSlowest() {
    TimelineBuilder tl = declared();
    tl.at(1).attempt().open();
    tl.at(2.0).toClient(data(1)).at(2.05).toServer(ack(1));
    tl.at(2.1).toClient(data(2)).at(2.4).toServer(ack(2));
    tl.at(2.5).toClient(data(3)).at(2.51).toServer(ack(3));
    Expect.judge(ACKED, tl.judging(10, true)).passes().isFinal().evidence(5, 6)
        .sentence("3 forwarded seq (/seq of {\"type\":\"data\"} to client) were acked within 1 s (±0.15 s), the slowest in 0.3 s");
  }

  @Test
  void aLateAckFailsWithTheMessageAndItsAck() {
    TimelineBuilder tl = declared();
    tl.at(1).attempt().open().at(2).toClient(data(7)).at(4).toServer(ack(7));
    Expect.judge(ACKED, tl.running(4)).fails().isFinal().evidence(3, 4)
        .sentence("expected every seq (/seq of {\"type\":\"data\"} to client) acked within 1 s (±0.15 s); 7 was forwarded at 2 s (link 1)"
            + " and its ack came at 4 s (2 s)");
  }

  @Test
  void aMessageNeverAckedFailsOnceItWasDue() {
    TimelineBuilder tl = declared();
    tl.at(1).attempt().open().at(2).toClient(data(1)).at(2.1).toServer(ack(1)).at(2.5).toClient(data(2));
    Expect.judge(ACKED, tl.running(3.0)).passes().isOpen();
    Expect.judge(ACKED, tl.running(3.7)).fails().isFinal().evidence(5).says("; 2 was forwarded at 2.5 s (link 1) and never acked");
  }

  @Test
  void aMessageWhoseLinkDiedIsExcusedAndItsResendCounts() {
    TimelineBuilder tl = declared();
    tl.at(1).attempt().open().at(2).toClient(data(1)).at(2.1).toServer(ack(1));
    tl.at(2.9).toClient(data(2)).at(3.0).abortByProxy("reset", "cut");
    tl.at(4).attempt("lastSeq=1").open().at(4.1).toClient(data(2)).at(4.2).toServer(ack(2));
    Expect.judge(ACKED, tl.judging(10, true)).passes().says("2 forwarded seq", "were acked");

    TimelineBuilder lost = declared();
    lost.at(1).attempt().open().at(2).toClient(data(1)).at(2.1).toServer(ack(1));
    lost.at(2.9).toClient(data(2)).at(3.0).abortByProxy("reset", "cut");
    Expect.judge(ACKED, lost.judging(10, true)).passes().says("; 1 not judged (their link or the run ended within the bound)");
  }

  @Test
  void aMessageAFaultDroppedIsNotJudged() {
    TimelineBuilder tl = declared();
    tl.at(1).attempt().open().at(2).toClient(data(1)).touch("f1", "drop", "dropped", Direction.TO_CLIENT);
    tl.at(2.2).toClient(data(2)).at(2.3).toServer(ack(2));
    Expect.judge(ACKED, tl.judging(10, true)).passes().says("1 forwarded seq");
  }

  @Test
  void exactlyOnceFlagsASecondAckOnlyForAMessageDeliveredOnce() {
    TimelineBuilder once = declared();
    once.at(1).attempt().open().at(2).toClient(data(1)).at(2.1).toServer(ack(1)).at(2.2).toServer(ack(1));
    Expect.judge("acked: {within: 1s, exactly_once: true}", once.running(2.3)).fails().isFinal().evidence(3, 4, 5)
        .sentence("expected each seq (/seq of {\"type\":\"data\"} to client) delivered once to be acked once; 1 was forwarded once at 2 s and acked 2 times (at 2.1 s and 2.2 s)");
    Expect.judge(ACKED, once.judging(10, true)).passes();

    TimelineBuilder resent = declared();
    resent.at(1).attempt().open().at(2).toClient(data(1)).at(2.1).toServer(ack(1)).at(3).toClient(data(1)).at(3.1).toServer(ack(1));
    Expect.judge("acked: {within: 1s, exactly_once: true}", resent.judging(10, true)).passes();
  }

  @Test
  void withoutDeclarationsOrDataItIsUndecided() {
    TimelineBuilder none = timeline();
    none.at(1).attempt().open();
    Expect.judge(ACKED, none.judging(10, true)).undecided().isFinal().evidence()
        .sentence("messages.seq is not declared: declare it under messages: or give message as {match: {…}, field: /pointer}");
    Expect.judge("acked: {within: 1s, message: {match: {type: data}, field: /seq}, ack: {match: {type: ack}, seq: /seq}}", none.judging(10, true))
        .undecided().isFinal().evidence().sentence("no /seq of {\"type\":\"data\"} to client was forwarded to the client");
  }
}
