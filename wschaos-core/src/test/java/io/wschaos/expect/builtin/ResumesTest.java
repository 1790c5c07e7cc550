package io.wschaos.expect.builtin;

import static io.wschaos.expect.TimelineBuilder.timeline;

import io.wschaos.expect.TimelineBuilder;
import org.junit.jupiter.api.Test;

class ResumesTest {
  private static final String RESUMES = "resumes: {from: lastSeq}";

  /** Link 1 forwards data 1..10, the client acks 1..8, then the link is aborted at 3 s. */
  private static TimelineBuilder interrupted(boolean acks) {
    TimelineBuilder tl = timeline().declare("seq", "client", "{type: data}", "/seq");
    if (acks) {
      tl.declare("ack", "server", "{type: ack}", "/seq");
    }
    tl.at(1).attempt("lastSeq=0").open();
    for (int n = 1; n <= 10; n++) {
      tl.at(1 + n * 0.1).toClient("{\"type\":\"data\",\"seq\":" + n + "}");
      if (n <= 8) {
        tl.toServer("{\"type\":\"ack\",\"seq\":" + n + "}");
      }
    }
    tl.at(3).abortByProxy("reset", "cut");
    return tl;
  }

  @Test
  void aClientAskingForWhatItMissedPasses() {
    TimelineBuilder tl = interrupted(true);
    tl.at(3.5).attempt("lastSeq=10").open();
    // evidence: the attempt, the last data forwarded (10, seq 20), the last ack (8, seq 18)
    Expect.judge(RESUMES, tl.judging(10, true)).passes().isFinal().evidence(tl.seq() - 1, 20, 18)
        .sentence("1 reconnect asked for what it missed; the last: attempt 2 of client 1, link 2 at 3.5 s asked query lastSeq = 10 (acked up to 8, forwarded up to 10)");
  }

  @Test
  void aClientThatStartsOverOrAsksForTheFutureFails() {
    TimelineBuilder over = interrupted(true);
    over.at(3.5).attempt("lastSeq=0");
    Expect.judge(RESUMES, over.running(3.6)).fails().isFinal().evidence(over.seq(), 20, 18)
        .sentence("expected a reconnecting client to ask for a position between its last ack (8) and the last number forwarded to it (10);"
            + " attempt 2 of client 1, link 2 at 3.5 s asked query lastSeq = 0");
    TimelineBuilder ahead = interrupted(true);
    ahead.at(3.5).attempt("lastSeq=12");
    Expect.judge(RESUMES, ahead.running(3.6)).fails().says("asked query lastSeq = 12");
    TimelineBuilder none = interrupted(true);
    none.at(3.5).attempt("");
    Expect.judge(RESUMES, none.running(3.6)).fails().says("; attempt 2 of client 1, link 2 at 3.5 s carried no lastSeq");
  }

  @Test
  void withoutDeclaredAcksOnlyTheUpperBoundHolds() {
    TimelineBuilder tl = interrupted(false);
    tl.at(3.5).attempt("lastSeq=0");
    Expect.judge(RESUMES, tl.judging(10, true)).passes().says("(forwarded up to 10)");
  }

  @Test
  void thePositionMayTravelInTheFirstMessageOfTheNewLink() {
    TimelineBuilder tl = interrupted(true);
    tl.at(3.5).attempt().open().at(3.6).toServer("{\"type\":\"resume\",\"from\":9}");
    String byMessage = "resumes: {from: {match: {type: resume}, field: /from}}";
    Expect.judge(byMessage, tl.judging(10, true)).passes().cites(tl.seq()).says("asked /from of {\"type\":\"resume\"} to server = 9");
    TimelineBuilder silent = interrupted(true);
    silent.at(3.5).attempt().open();
    Expect.judge(byMessage, silent.running(4)).undecided().isOpen().evidence(22, 20, 18).says("waiting for attempt 2 of client 1");
  }

  @Test
  void withoutAReconnectAfterDataItIsUndecided() {
    TimelineBuilder tl = interrupted(true);
    Expect.judge(RESUMES, tl.judging(10, true)).undecided().isFinal().evidence()
        .sentence("no client attempted again after seq (/seq of {\"type\":\"data\"} to client) had been forwarded to it");
  }
}
