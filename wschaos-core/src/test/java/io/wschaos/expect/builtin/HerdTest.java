package io.wschaos.expect.builtin;

import static io.wschaos.expect.TimelineBuilder.timeline;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wschaos.expect.TimelineBuilder;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class HerdTest {
  private static final String HERD = "herd: {after: {fault: restart}, spread: {min: 2s}, peak: {max: 5}}";

  /**
   * Ten clients with links 1..10 open; fault restart closes every link with 1001 at 5 s; client i
   * attempts again at 5 + delays[i−1] s (never for NaN).
   */
  private static TimelineBuilder herd(double[] delays) {
    TimelineBuilder tl = timeline().instances(10);
    for (int c = 1; c <= 10; c++) {
      tl.client(c).at(1 + c * 0.01).attempt().open();
    }
    for (int c = 1; c <= 10; c++) {
      tl.link(c).at(5).fault("restart", "close", "started").closeByProxy(1001, "restart");
    }
    Integer[] order = new Integer[10];
    for (int i = 0; i < 10; i++) {
      order[i] = i + 1;
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(delays[a - 1], delays[b - 1]));
    for (int c : order) {
      if (!Double.isNaN(delays[c - 1])) {
        tl.client(c).at(5 + delays[c - 1]).attempt().open();
      }
    }
    return tl;
  }

  @Test
  void jitteredClientsSpreadOutAndPass() {
    Random r = new Random(3);
    double[] d = new double[10];
    for (int i = 0; i < 10; i++) {
      d[i] = Math.round(r.nextDouble() * 6000) / 1000.0;
    }
    Expect.judge(HERD, herd(d).judging(20, true)).passes().isFinal().cites(21)
        .says("after fault restart at 5 s, the 10 clients' first attempts spread over", "(at least 2 s (±0.2 s)) and at most");
  }

  @Test
  void aHerdInLockstepFailsTheSpread() {
    double[] d = new double[10];
    for (int i = 0; i < 10; i++) {
      d[i] = 0.5 + i * 0.001;
    }
    TimelineBuilder tl = herd(d);
    Expect.judge("herd: {after: {fault: restart}, spread: {min: 2s}}", tl.judging(20, true)).fails().isFinal()
        .evidence(LongStream.concat(LongStream.of(21), LongStream.rangeClosed(0, 9).map(i -> 41 + 2 * i)).toArray())
        .sentence("expected the first attempts after fault restart at 5 s to spread over at least 2 s (±0.2 s);"
            + " the 10 clients' first attempts spread over 0.008 s (p90 − p10: 5.508 s − 5.5 s)");
    Expect.judge(HERD, tl.running(6)).fails().isFinal()
        .sentence("expected at most 5 attempts in any 1 s after fault restart at 5 s; 10 came between 5.5 s and 5.509 s");
  }

  @Test
  void aClientThatNeverComesBackFailsWhenTheRunIsOver() {
    double[] d = {1, 2, 3, 4, 5, 6, 7, 8, 9, Double.NaN}; // client 10 never attempts again
    TimelineBuilder full = herd(d);
    Expect.judge(HERD, full.running(20)).undecided().isOpen().evidence(21).sentence("waiting: 9 of 10 clients attempted again after fault restart at 5 s");
    Expect.judge(HERD, full.judging(20, true)).fails().isFinal().evidence(21)
        .sentence("expected every client to attempt again after fault restart at 5 s; client 10 never did by 20 s");
  }

  @Test
  void itNeedsTenInstancesAndTheFault() {
    TimelineBuilder few = timeline().instances(3);
    few.at(1).attempt().open();
    Expect.judge(HERD, few.judging(20, true)).undecided().isFinal().evidence().sentence("herd needs at least 10 client instances; this run has 3");
    TimelineBuilder quiet = timeline().instances(10);
    quiet.at(1).attempt().open();
    Expect.judge(HERD, quiet.judging(20, true)).undecided().isFinal().evidence().sentence("fault restart never acted");
  }

  @Test
  void percentilesAreNearestRank() {
    List<Long> ten = LongStream.rangeClosed(1, 10).boxed().toList();
    assertEquals(1, Herd.percentile(ten, 0.10));
    assertEquals(9, Herd.percentile(ten, 0.90));
    List<Long> eleven = LongStream.rangeClosed(1, 11).boxed().toList();
    assertEquals(2, Herd.percentile(eleven, 0.10));
    assertEquals(10, Herd.percentile(eleven, 0.90));
  }

  @Test
  void aFaultWithAWindowAnchorsWhereItEndsNotOnTheRetriesDuringTheOutage() {
    TimelineBuilder tl = timeline().instances(10);
    for (int c = 1; c <= 10; c++) {
      tl.client(c).at(1 + c * 0.01).attempt().open();
    }
    tl.at(5).listenerFault("down", "server_down", "started");
    for (int c = 1; c <= 10; c++) {
      tl.link(c).abortByProxy("reset", "down");
    }
    for (int c = 1; c <= 10; c++) {
      tl.client(c).at(5.5 + c * 0.001).resetAttempt("down"); // every client retries in lockstep during the outage
    }
    String herd = "herd: {after: {fault: down}, spread: {min: 2s}}";
    Expect.judge(herd, tl.running(7)).undecided().isOpen().says("fault down (server_down) started at 5 s and its window has not ended yet");
    tl.at(8).listenerFault("down", "server_down", "stopped");
    for (int c = 1; c <= 10; c++) {
      tl.client(c).at(8 + c * 0.5).attempt().open(); // after recovery they spread over 5 s
    }
    Expect.judge(herd, tl.judging(20, true)).passes().says("after fault down (server_down) ended at 8 s, the 10 clients' first attempts spread over 4 s");
  }
}
