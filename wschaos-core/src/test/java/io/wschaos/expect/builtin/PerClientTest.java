package io.wschaos.expect.builtin;

import static io.wschaos.expect.TimelineBuilder.timeline;

import io.wschaos.expect.TimelineBuilder;
import org.junit.jupiter.api.Test;

/** DESIGN "per client, per socket": one client's evidence never covers for another's. */
class PerClientTest {
  private static TimelineBuilder declared() {
    return timeline().instances(2)
        .declare("seq", "client", "{type: data}", "/seq")
        .declare("ack", "server", "{type: ack}", "/seq")
        .declare("client_seq", "server", "{type: tick}", "/n");
  }

  private static String data(long n) {
    return "{\"type\":\"data\",\"seq\":" + n + "}";
  }

  private static String ack(long n) {
    return "{\"type\":\"ack\",\"seq\":" + n + "}";
  }

  private static String tick(long n) {
    return "{\"type\":\"tick\",\"n\":" + n + "}";
  }

  @Test
  void anInstanceThatNeverAcksFailsAckedWhateverTheOtherDid() {
    TimelineBuilder tl = declared();
    tl.client(1).at(0.1).attempt().open();
    int one = tl.currentLink();
    tl.client(2).at(0.2).attempt().open();
    int two = tl.currentLink();
    for (int n = 1; n <= 5; n++) {
      tl.link(one).at(n).toClient(data(n)).after(0.05).toServer(ack(n));
      tl.link(two).after(0.01).toClient(data(n));
    }
    Expect.judge("acked: {within: 1s}", tl.judging(10, true)).fails().says("client 2", "never acked");
    Expect.judge("acked: {within: 1s, client: any}", tl.judging(10, true)).passes();
  }

  @Test
  void anInstanceThatDropsNumbersFailsDeliveredThoughAnotherInstanceSentThem() {
    TimelineBuilder tl = declared();
    tl.client(1).at(0.1).attempt().open();
    int one = tl.currentLink();
    tl.client(2).at(0.2).attempt().open();
    int two = tl.currentLink();
    for (int n = 1; n <= 6; n++) {
      tl.link(one).at(n).toServer(tick(n));
      if (n != 3 && n != 4) {
        tl.link(two).after(0.01).toServer(tick(n));
      }
    }
    Expect.judge("delivered: {seq: client_seq}", tl.judging(10, true)).fails().says("client 2", "3–4");
    Expect.judge("delivered: {seq: client_seq, client: any}", tl.judging(10, true)).passes();
  }

  @Test
  void everyClientPassingPassesAndSaysEachWasJudgedAlone() {
    TimelineBuilder tl = declared();
    tl.client(1).at(0.1).attempt().open();
    int one = tl.currentLink();
    tl.client(2).at(0.2).attempt().open();
    int two = tl.currentLink();
    for (int n = 1; n <= 3; n++) {
      tl.link(one).at(n).toServer(tick(n));
      tl.link(two).after(0.01).toServer(tick(n));
    }
    Expect.judge("delivered: {seq: client_seq}", tl.judging(10, true)).passes().isFinal()
        .says("all 2 clients, each judged alone: client 1: ", "; client 2: ");
  }

  @Test
  void aClientWithNoEvidenceAtAllLeavesTheVerdictUndecided() {
    TimelineBuilder tl = declared();
    tl.client(2).at(0.05).attempt().open();
    tl.client(1).at(0.1).attempt().open().at(1).toServer(tick(1)).at(2).toServer(tick(2));
    Expect.judge("delivered: {seq: client_seq}", tl.judging(10, true)).undecided().says("client 2", "no message of");
  }

  @Test
  void aProcessWithTwoSocketsThatEachBackOffPassesBackoffJudgedPerChain() {
    TimelineBuilder tl = timeline();
    tl.at(0.1).attemptOn("/feed", "").open();
    int feed = tl.currentLink();
    tl.at(0.2).attemptOn("/chat", "").open();
    int chat = tl.currentLink();
    tl.link(feed).at(1.0).abortByProxy("reset", "down");
    tl.link(chat).at(1.0).abortByProxy("reset", "down");
    // each socket retries after 0.5, 1, 2, 4 s: interleaved, the process's attempts look like a hot loop
    double feedAt = 1.0;
    double chatAt = 1.0;
    double d = 0.5;
    for (int k = 0; k < 5; k++) {
      feedAt += d;
      chatAt += d;
      tl.at(feedAt).attemptOn("/feed", "").rejected(503, "proxy", "fault down");
      tl.at(chatAt + 0.01).attemptOn("/chat", "").rejected(503, "proxy", "fault down");
      d *= 2;
    }
    Expect.judge("backoff: {attempts: 4, initial: {min: 400ms, max: 1s}, factor: {min: 1.5, max: 2.5}}", tl.judging(40, true)).passes();
  }
}
