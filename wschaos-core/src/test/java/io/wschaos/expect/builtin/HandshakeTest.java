package io.wschaos.expect.builtin;

import static io.wschaos.expect.TimelineBuilder.timeline;

import io.wschaos.expect.TimelineBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HandshakeTest {
  private static final Map<String, List<String>> ORIGIN = Map.of("Origin", List.of("http://localhost:3000"));
  private static final String TOKEN_AND_ORIGIN = "handshake: {query: [token], headers: {origin: http://localhost:3000}, subprotocols: [feed.v1]}";

  @Test
  void everyAttemptCarryingItsTokenOriginAndSubprotocolPasses() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt("token=abc", ORIGIN, List.of("feed.v1")).open().at(3).abortByProxy("reset", "cut");
    tl.at(3.5).resetAttempt("down"); // reset on accept: no request to judge
    tl.at(5).attempt("token=def&lastSeq=4", ORIGIN, List.of("feed.v1", "feed.v0")).open();
    Expect.judge(TOKEN_AND_ORIGIN, tl.judging(10, true)).passes().isFinal().evidence(1, 6)
        .sentence("2 attempts carried query token present, header origin = http://localhost:3000 and subprotocol feed.v1; 1 reset on accept sent no request");
  }

  @Test
  void aReconnectWithoutItsTokenFailsWithoutPrintingSecrets() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt("token=abc", ORIGIN, List.of("feed.v1")).open().at(3).abortByProxy("reset", "cut");
    tl.at(4).attempt("", ORIGIN, List.of("feed.v1"));
    Expect.judge(TOKEN_AND_ORIGIN, tl.running(4.1)).fails().isFinal().evidence(4)
        .sentence("expected every attempt to carry query token present, header origin = http://localhost:3000 and subprotocol feed.v1;"
            + " attempt 2 of client 1, link 2 at 4 s had query token missing");
    Expect.judge("handshake: {query: {token: {regex: '^ey'}}}", tl.judging(1.5, false)).fails().evidence(1)
        .says("had query token = *** (1 value, none as required)");
  }

  @Test
  void onlyTheFirstAttemptWithEveryAttemptFalse() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt("token=abc").open().at(3).abortByProxy("reset", "cut").at(4).attempt("");
    Expect.judge("handshake: {query: [token], every_attempt: false}", tl.judging(10, true)).passes().evidence(1)
        .says("1 attempt (each client's first) carried query token present");
  }

  @Test
  void aResumePositionMustBeThereOnEveryAttempt() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt("lastSeq=0").open();
    Expect.judge("handshake: {query: {lastSeq: {gte: 0}}}", tl.judging(10, true)).passes();
    Expect.judge("handshake: {query: {lastSeq: {gt: 0}}}", tl.judging(10, true)).fails().says("had query lastSeq = '0'");
  }

  @Test
  void aMissingSubprotocolFails() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt("token=abc", ORIGIN, List.of()).open();
    Expect.judge(TOKEN_AND_ORIGIN, tl.judging(10, true)).fails().says("offered no subprotocol");
  }

  @Test
  void withoutAnAttemptThatSentARequestItIsUndecided() {
    TimelineBuilder tl = timeline();
    tl.at(1).resetAttempt("down");
    Expect.judge(TOKEN_AND_ORIGIN, tl.judging(10, true)).undecided().isFinal().evidence()
        .sentence("every attempt so far was reset on accept and sent no request");
  }
}
