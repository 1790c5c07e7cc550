package io.wschaos.expect;

import static io.wschaos.expect.TimelineBuilder.timeline;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.frame.Direction;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The derivations every expectation shares: attempts, ends, clients, sequences, fault touches. */
class StoryTest {

  @Test
  void anEndIsTheEarliestOfTheProxysCloseTheServersRelayedCloseTheClientsCloseAbortOrRejection() {
    TimelineBuilder tl = timeline();
    tl.at(0.1).attempt().at(0.11).open();
    tl.at(3.0).closeByProxy(1001, "restart");
    long proxyClose = tl.seq();
    tl.at(3.01).closeByClient(1001).at(3.02).ended();

    tl.at(4.0).attempt().at(4.01).open().at(5.0).closeByServer(1000);
    long serverClose = tl.seq();
    tl.at(5.01).closeByClient(1000);

    tl.at(6.0).attempt().at(6.01).open().at(7.0).closeByClient(4000);
    long clientClose = tl.seq();

    tl.at(8.0).attempt().at(8.01).open().at(9.0).abortByProxy("reset", "cut");
    long abort = tl.seq();

    tl.at(10.0).attempt().rejected(503, "proxy", "fault deploy");
    long rejected = tl.seq();

    tl.at(11.0).resetAttempt("down");
    long reset = tl.seq();

    Story st = tl.story();
    List<Story.Attempt> as = st.attempts(1);
    assertEquals(6, as.size());

    Story.End e1 = as.get(0).end();
    assertEquals(proxyClose, e1.seq());
    assertEquals(Story.Cause.CLOSE, e1.cause());
    assertEquals(1001, e1.code());
    assertEquals("proxy", e1.by());
    assertEquals("restart", e1.fault());
    assertEquals("close 1001 by proxy (fault restart)", e1.describe());

    assertEquals(serverClose, as.get(1).end().seq());
    assertEquals("server", as.get(1).end().by());

    assertEquals(clientClose, as.get(2).end().seq());
    assertTrue(as.get(2).end().byClient());

    assertEquals(abort, as.get(3).end().seq());
    assertEquals(Story.Cause.ABORT, as.get(3).end().cause());
    assertEquals(1006, as.get(3).end().clientCode());
    assertEquals("cut", as.get(3).end().fault());

    assertEquals(rejected, as.get(4).end().seq());
    assertEquals(Story.Cause.REJECTED, as.get(4).end().cause());
    assertEquals(503, as.get(4).end().code());
    assertEquals("deploy", as.get(4).end().fault(), "the proxy's reason 'fault ID' names the fault");
    assertFalse(as.get(4).opened());

    assertTrue(as.get(5).reset());
    assertEquals(reset, as.get(5).end().seq());
    assertEquals("down", as.get(5).end().fault());
  }

  @Test
  void aServerCloseThatABlackholeSwallowsIsNoEndTheAbortAfterItIs() {
    TimelineBuilder tl = timeline();
    tl.at(0.1).attempt().open();
    tl.at(1.0).fault("hole", "blackhole", "started");
    tl.at(2.0).closeByServer(1001).touchControl("hole", "blackhole", "swallowed", Direction.TO_CLIENT, "close");
    tl.at(6.0).abortByProxy("fin", "hole");
    long abort = tl.seq();

    Story.End end = tl.story().attempts(1).get(0).end();
    assertEquals(abort, end.seq(), end.describe());
  }

  @Test
  void aFaultWindowRunsFromItsStartOnALinkToItsStopOrTheLinksEnd() {
    TimelineBuilder tl = timeline();
    tl.at(1).attempt().open().at(2).fault("slow", "delay", "started").at(4).fault("slow", "delay", "stopped");
    tl.at(5).attempt().open().at(6).fault("slow", "delay", "started").at(8).closeByServer(1001);
    List<Story.FaultWindow> ws = tl.story().windows("slow");
    assertEquals(2, ws.size());
    assertEquals(4, ws.get(0).stopped().seq());
    assertTrue(ws.get(0).covers(3_000_000) && !ws.get(0).covers(4_500_000));
    assertNull(ws.get(1).stopped());
    assertTrue(ws.get(1).covers(7_000_000) && !ws.get(1).covers(9_000_000), "the link's end closes the window");
  }

  @Test
  void teardownEventsNeitherAnchorNorCount() {
    TimelineBuilder tl = timeline();
    tl.at(0.1).attempt().open();
    tl.at(5.0).teardown().closeByProxy(1001, null).at(5.1).attempt();

    Story st = tl.story();
    assertEquals(1, st.attempts().size(), "the teardown attempt does not count");
    assertNull(st.attempts().get(0).end(), "the teardown close is no end");
    assertEquals(5_000_000, st.runEnd(), "the run phase ended at the first teardown event");
  }

  @Test
  void clientsAreTheRunnersInstancesAndStitchedClientIdsOtherwise() {
    TimelineBuilder herd = timeline().instances(3);
    herd.client(2).at(0.1).attempt();
    assertEquals(List.of(1, 2, 3), herd.story().clients());

    TimelineBuilder external = timeline().clientIdQuery("clientId");
    external.client(0).at(0.1).attempt("clientId=abc").at(0.2).attempt("clientId=xyz").at(0.3).attempt("clientId=abc");
    Story st = external.story();
    assertEquals(2, st.attempts(1).size());
    assertEquals(1, st.attempts(2).size());
    assertEquals("client 'abc'", st.label(1));
  }

  @Test
  void aSequenceIsTheIntegerAtTheDeclaredPointerOfThePreview() {
    TimelineBuilder tl = timeline().declare("seq", "client", "{type: data}", "/seq");
    tl.at(0.1).attempt().open()
        .toClient("{\"type\":\"data\",\"seq\":1}")
        .toClient("{\"type\":\"pong\",\"seq\":2}")
        .toClient("{\"type\":\"data\",\"seq\":\"3\"}")
        .toClient("not json")
        .toClient("{\"type\":\"data\",\"seq\":4}");
    tl.touch("f1", "drop", "dropped", Direction.TO_CLIENT);
    long dropped = tl.seq();

    Story st = tl.story();
    List<Story.Numbered> ns = st.numbers(tl.messages().get("seq"));
    assertEquals(List.of(1L, 4L), ns.stream().map(Story.Numbered::value).toList());
    assertTrue(st.lostBy(ns.get(0).event()).isEmpty());
    assertEquals(dropped, st.lostBy(ns.get(1).event()).orElseThrow().seq());
  }

  @Test
  void aClientThatExitsBeforeAnyAttemptIsAnEnvironmentError() {
    TimelineBuilder tl = timeline();
    tl.at(0.0).spawned().at(0.3).exited(127);
    long exited = tl.seq();

    VerdictAssert.assertThat(tl.story().environmentError(1).orElseThrow())
        .undecided().isFinal().evidence(exited)
        .says("environment error: client 1 exited with code 127 at 0.3 s before any attempt");
  }

  @Test
  void twoSocketsOfOneClientFormTwoChainsEachReconnectContinuingTheEarliestUnfollowedEnd() {
    TimelineBuilder tl = timeline();
    tl.at(0.1).attempt("room=a").open();
    int a1 = tl.currentLink();
    tl.at(0.2).attempt("room=a").open();
    int b1 = tl.currentLink();
    tl.link(a1).at(1.0).abortByProxy("reset", "cut");
    tl.link(b1).at(1.1).abortByProxy("reset", "cut");
    // the earliest unfollowed end is a1's: this attempt continues chain 1, the next one chain 2
    tl.at(1.5).attempt("room=a&lastSeq=4").rejected(503, "proxy", "fault down");
    int a2 = tl.currentLink();
    tl.at(1.6).attempt("room=a&lastSeq=9").rejected(503, "proxy", "fault down");
    int b2 = tl.currentLink();
    tl.at(2.6).attempt("room=a&lastSeq=4");
    int a3 = tl.currentLink();
    tl.at(2.7).attempt("room=a&lastSeq=9");
    int b3 = tl.currentLink();

    Story st = tl.story();
    List<Story.Chain> cs = st.chains(1);
    assertEquals(2, cs.size());
    assertEquals(List.of(a1, a2, a3), cs.get(0).attempts().stream().map(Story.Attempt::link).toList());
    assertEquals(List.of(b1, b2, b3), cs.get(1).attempts().stream().map(Story.Attempt::link).toList());
    assertEquals(1, cs.get(0).index());
    assertEquals(2, cs.get(1).index());
    assertEquals(b3, st.nextInChain(st.attemptOnLink(b2).orElseThrow().end()).orElseThrow().link());
    assertEquals(a3, st.nextInChain(st.attemptOnLink(a2).orElseThrow().end()).orElseThrow().link());
    assertTrue(st.nextInChain(st.attemptOnLink(a1).orElseThrow().end()).map(x -> x.link() == a2).orElse(false), "b2 belongs to the other socket");
  }

  @Test
  void aStormOfManySocketsKeepsEachReconnectOnTheEarliestUnfollowedEndOfItsPath() {
    // 60 sockets on two paths over 30 rounds, ends in a shuffled order with reconnects in between,
    // some attempts never ending: the chains must follow the rule, which the oracle plays by hand
    // (per path, the ended and unfollowed chains in the order of their ends).
    java.util.Random rnd = new java.util.Random(11);
    TimelineBuilder tl = timeline();
    List<List<Integer>> expected = new java.util.ArrayList<>();
    java.util.Map<String, java.util.ArrayDeque<Integer>> unfollowed = new java.util.HashMap<>();
    java.util.Map<Integer, String> pathOf = new java.util.HashMap<>();
    List<int[]> live = new java.util.ArrayList<>(); // {chain, link}
    double t = 0;
    for (int i = 0; i < 60; i++) {
      String path = i % 3 == 0 ? "/b" : "/a";
      tl.at(t += 0.001).attemptOn(path, "").open();
      expected.add(new java.util.ArrayList<>(List.of(tl.currentLink())));
      pathOf.put(i, path);
      live.add(new int[] {i, tl.currentLink()});
    }
    for (int round = 0; round < 30; round++) {
      java.util.Collections.shuffle(live, rnd);
      List<int[]> next = new java.util.ArrayList<>();
      for (int[] cl : live) {
        if (rnd.nextInt(40) == 0) {
          continue; // this attempt never ends: its chain takes no more attempts
        }
        tl.link(cl[1]).at(t += 0.001).closeByProxy(1001, "slam");
        unfollowed.computeIfAbsent(pathOf.get(cl[0]), k -> new java.util.ArrayDeque<>()).add(cl[0]);
        if (rnd.nextBoolean()) {
          String path = rnd.nextBoolean() ? "/a" : "/b";
          tl.at(t += 0.001).attemptOn(path, "");
          Integer chain = unfollowed.getOrDefault(path, new java.util.ArrayDeque<>()).poll();
          if (chain == null) {
            chain = expected.size();
            expected.add(new java.util.ArrayList<>());
            pathOf.put(chain, path);
          }
          expected.get(chain).add(tl.currentLink());
          tl.open();
          next.add(new int[] {chain, tl.currentLink()});
        }
      }
      live = next;
    }

    List<List<Integer>> chains = tl.story().chains(1).stream()
        .map(c -> c.attempts().stream().map(Story.Attempt::link).toList()).toList();
    assertEquals(expected, chains);
  }

  @Test
  void differentPathsOrQueriesAreDifferentChainsWhateverTheTimingTokensAndResumePositionsAreNot() {
    TimelineBuilder tl = timeline();
    tl.at(0.1).attemptOn("/feed", "token=x1").open().at(1.0).abortByProxy("reset", "cut");
    tl.at(1.2).attemptOn("/chat", "token=x2").open();
    tl.at(1.4).attemptOn("/feed", "token=x3&lastSeq=7").open();
    tl.at(2.0).attemptOn("/feed", "room=b").open().at(2.5).closeByServer(1001);
    tl.at(2.6).resetAttempt("down");
    tl.at(3.0).attemptOn("/feed", "room=b&since=3");

    Story st = tl.story();
    List<Story.Chain> cs = st.chains(1);
    assertEquals(List.of(List.of(1, 3), List.of(2), List.of(4, 5, 6)),
        cs.stream().map(c -> c.attempts().stream().map(Story.Attempt::link).toList()).toList());
    assertTrue(st.chains(2).isEmpty());
  }

  @Test
  void perAttemptQueryKeysAreMatchedAsWordsNotAsAnySubstring() {
    for (String k : List.of("token", "access_token", "apiKey", "apikey", "lastSeq", "lastseq", "since", "ts", "X-Auth", "sig")) {
      assertTrue(Story.perAttemptKey(k), k + " changes per attempt");
    }
    for (String k : List.of("events", "rights", "subjects", "room", "platform", "topics", "channel")) {
      assertFalse(Story.perAttemptKey(k), k + " names a socket");
    }
    TimelineBuilder tl = timeline();
    tl.at(0.1).attempt("events=trades").open();
    int trades = tl.currentLink();
    tl.at(0.2).attempt("events=quotes").open();
    int quotes = tl.currentLink();
    tl.link(quotes).at(0.9).abortByProxy("reset", "cut"); // the earliest unfollowed end, but another socket's
    tl.link(trades).at(1.0).abortByProxy("reset", "cut");
    tl.at(1.3).attempt("events=trades");
    assertEquals(List.of(List.of(1, 3), List.of(2)),
        tl.story().chains(1).stream().map(c -> c.attempts().stream().map(Story.Attempt::link).toList()).toList());
  }

  @Test
  void aServerCloseAFaultHoldsEndsTheLinkWhenTheProxyWritesItToTheClient() {
    TimelineBuilder tl = timeline().header();
    tl.at(0.1).attempt().open().at(1.0).fault("slow", "delay", "started");
    tl.at(2.0).toClient("{\"type\":\"data\",\"seq\":1}").touch("slow", "delay", "delayed", Direction.TO_CLIENT);
    tl.at(2.1).closeByServerHeld(1001);
    long read = tl.seq();
    Story held = Story.of(tl.running(2.5));
    assertNull(held.attempts(1).get(0).end(), "read, not written: no end yet");
    assertTrue(held.closeHeld(1));
    assertTrue(held.holding(), "a delayed message and a close are still on their way to the client");

    tl.at(4.0).add(new io.wschaos.timeline.EventBody.Egress(Direction.TO_CLIENT, 1, 0)).closeWritten();
    long written = tl.seq();
    Story st = tl.story();
    Story.End end = st.attempts(1).get(0).end();
    assertEquals(read, end.seq(), "the close itself is what a verdict cites");
    assertEquals(written, end.written().seq());
    assertEquals(written, end.lastSeq());
    assertEquals(4_000_000, end.t(), "timed at its write");
    assertEquals(1001, end.code());
    assertEquals("server", end.by());
    assertFalse(st.holding());
  }

  @Test
  void everyTimeIsScenarioTimeCountedFromTheRunHeader() {
    TimelineBuilder tl = timeline();
    tl.at(0.5).server("started").at(7.5).header(); // a server that took 7 s to boot
    tl.at(8.5).attempt().open().at(10.5).closeRelayed(1001);
    Story st = tl.story();
    assertEquals(7_500_000, st.origin());
    assertEquals(1_000_000, st.attempts(1).get(0).t());
    assertEquals(3_000_000, st.attempts(1).get(0).end().t(), "the close's write, 3 s into the scenario");
    assertEquals("close 1001 by server at 3 s (client 1, link 1)", st.describe(st.attempts(1).get(0).end()));
  }

  @Test
  void aCloseFaultsCloseHeldBehindDelayedMessagesEndsTheLinkWhenWrittenToo() {
    TimelineBuilder tl = timeline().header();
    tl.at(0.1).attempt().open().at(1.0).fault("slow", "delay", "started");
    tl.at(2.0).closeByProxy(1012, "restart");
    assertNull(Story.of(tl.running(2.5)).attempts(1).get(0).end(), "recorded, not written yet");
    assertTrue(Story.of(tl.running(2.5)).holding());
    tl.at(2.4).closeWritten();
    Story.End end = tl.story().attempts(1).get(0).end();
    assertEquals(2_400_000, end.t());
    assertEquals("close 1012 by proxy (fault restart)", end.describe());
  }
}
