package io.wschaos.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.wschaos.fault.AttemptView;
import io.wschaos.fault.FaultEntryParser;
import io.wschaos.fault.FaultSpec;
import io.wschaos.fault.VirtualClock;
import io.wschaos.fault.builtin.BuiltinFaults;
import io.wschaos.frame.Direction;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Triggers on a virtual clock: when faults start, where, and for how long. */
class FaultEngineTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private final VirtualClock clock = new VirtualClock();
  private final Timeline timeline = new Timeline(Level.META);
  private final List<Boolean> refusals = new ArrayList<>();
  private final FaultEngine engine = new FaultEngine(clock, timeline, 42, refusals::add);
  private final FaultEntryParser parser = new FaultEntryParser(BuiltinFaults.catalog());
  private int ids;
  private int links;

  private void add(String yaml) throws Exception {
    for (FaultSpec s : parser.parse(YAML.readTree(yaml), "fault", "f" + ++ids)) {
      engine.add(s);
    }
  }

  private FakeLink open(int client) {
    FakeLink l = new FakeLink(++links, client, links, clock);
    engine.onOpen(l);
    return l;
  }

  private void end(FakeLink l) {
    l.open = false;
    l.pipeline(Direction.TO_CLIENT).discardAll();
    l.pipeline(Direction.TO_SERVER).discardAll();
    engine.onEnd(l);
  }

  @Test
  void anAtFaultStartsOnTimeOnEveryLinkAndLastsItsFor() throws Exception {
    FakeLink a = open(1);
    add("{at: 1s, for: 2s, drop: {to: client}}");
    a.send(Direction.TO_CLIENT, "before");
    clock.advanceMillis(1000);
    a.send(Direction.TO_CLIENT, "during");
    FakeLink b = open(1);
    b.send(Direction.TO_CLIENT, "during-new-link");
    clock.advanceMillis(2000);
    a.send(Direction.TO_CLIENT, "after");
    b.send(Direction.TO_CLIENT, "after-new-link");
    assertEquals(List.of("client:before", "client:after"), a.delivered);
    assertEquals(List.of("client:after-new-link"), b.delivered, "a lasting at-fault covers links opened while it lasts");
    assertEquals("done", engine.faults().get(0).state());
  }

  @Test
  void everyRepeatsTheWindow() throws Exception {
    FakeLink a = open(1);
    add("{at: 1s, every: 1s, for: 500ms, drop: {to: server}}");
    List<Integer> dropped = new ArrayList<>();
    for (int ms = 0; ms < 4000; ms += 250) {
      int before = a.delivered.size();
      a.send(Direction.TO_SERVER, "t" + ms);
      if (a.delivered.size() == before) {
        dropped.add(ms);
      }
      clock.advanceMillis(250);
    }
    assertEquals(List.of(1000, 1250, 2000, 2250, 3000, 3250), dropped);
  }

  @Test
  void everyFiresOnItsPlanEvenWhenEachFiringIsLate() throws Exception {
    // A scheduler whose timers all fire 7 ms late, like a busy event loop.
    io.wschaos.fault.Scheduler late = new io.wschaos.fault.Scheduler() {
      public long nowMicros() {
        return clock.nowMicros();
      }

      public Cancellable schedule(long delayMicros, Runnable task) {
        return clock.schedule(delayMicros + 7_000, task);
      }
    };
    FaultEngine e = new FaultEngine(late, timeline, 1, b -> {});
    List<Long> fired = new ArrayList<>();
    FakeLink l = new FakeLink(1, 1, 1, clock) {
      @Override
      public void close(io.wschaos.frame.Leg leg, int code, String reason, String faultId) {
        if (leg == io.wschaos.frame.Leg.CLIENT) {
          fired.add(clock.nowMicros());
        }
      }
    };
    e.onOpen(l);
    e.add(parser.parse(YAML.readTree("{at: 1s, every: 1s, for: 100ms, close: {code: 1001}}"), "f", "f1").get(0));
    clock.advanceMillis(10_500);
    assertEquals(10, fired.size(), "firings: " + fired);
    for (int k = 0; k < fired.size(); k++) {
      long due = (k + 1) * 1_000_000L;
      assertEquals(due + 7_000, fired.get(k), "firing " + k + " is late by its own timer's 7 ms only, never by the earlier ones'");
    }
  }

  @Test
  void onOpenCountsPerClientAndActsOnTheTriggeringLinkOnly() throws Exception {
    add("{on: {open: 2}, close: {code: 4000}}");
    FakeLink c1a = open(1);
    FakeLink c2a = open(2);
    FakeLink c1b = open(1);
    assertEquals(List.of(), c1a.actions);
    assertEquals(List.of(), c2a.actions, "client 2 has opened once only");
    assertEquals(List.of("close client 4000 f1", "close server 1001 f1"), c1b.actions);
  }

  @Test
  void onOpenWithAfterWaitsAndSkipsALinkThatEndedMeanwhile() throws Exception {
    add("{on: {open: any}, after: 1s, close: {code: 1001}}");
    FakeLink a = open(1);
    FakeLink b = open(1);
    clock.advanceMillis(500);
    end(b);
    clock.advanceMillis(600);
    assertEquals(2, a.actions.size());
    assertEquals(List.of(), b.actions);
    assertTrue(timeline.events().stream().anyMatch(e -> e.body() instanceof EventBody.Fault f && f.action().equals("skipped")));
  }

  @Test
  void aMessageTriggerFiresOnTheNthMessageAndTheFaultAppliesToThatMessage() throws Exception {
    add("{on: {message: {to: client, nth: 3}}, drop: {to: client}}");
    FakeLink a = open(1);
    for (int i = 1; i <= 5; i++) {
      a.send(Direction.TO_CLIENT, "m" + i);
    }
    assertEquals(List.of("client:m1", "client:m2"), a.delivered);
  }

  @Test
  void aMatchTriggerFiresOnTheFirstMatchingMessage() throws Exception {
    add("{on: {message: {to: server, match: {type: subscribe}}}, drop: {to: server}}");
    FakeLink a = open(1);
    a.send(Direction.TO_SERVER, "{\"type\":\"hello\"}");
    a.send(Direction.TO_SERVER, "{\"type\":\"subscribe\"}");
    a.send(Direction.TO_SERVER, "{\"type\":\"hello\"}");
    assertEquals(List.of("server:{\"type\":\"hello\"}"), a.delivered);
  }

  @Test
  void linkNumberScopeTouchesOnlyThatLink() throws Exception {
    FakeLink a = open(1);
    FakeLink b = open(1);
    add("{link: 2, drop: {to: client}}");
    a.send(Direction.TO_CLIENT, "x");
    b.send(Direction.TO_CLIENT, "y");
    assertEquals(List.of("client:x"), a.delivered);
    assertEquals(List.of(), b.delivered);
  }

  @Test
  void removingAFaultFlushesWhatItHeldInOrder() throws Exception {
    FakeLink a = open(1);
    add("{id: slow, delay: {to: client, by: 10s}}");
    a.send(Direction.TO_CLIENT, "1");
    a.send(Direction.TO_CLIENT, "2");
    assertEquals(List.of(), a.delivered);
    assertTrue(engine.remove("slow"));
    assertEquals(List.of("client:1", "client:2"), a.delivered);
    assertEquals(0, a.held);
    assertFalse(engine.remove("slow"));
  }

  @Test
  void probabilityDrawsFromTheSeedSoTwoRunsAgree() throws Exception {
    assertEquals(dropsWithSeed(42), dropsWithSeed(42));
    List<String> d = dropsWithSeed(42);
    assertTrue(d.size() > 20 && d.size() < 80, "about half of 100 dropped: " + d.size());
  }

  private static List<String> dropsWithSeed(long seed) throws Exception {
    VirtualClock c = new VirtualClock();
    FaultEngine e = new FaultEngine(c, new Timeline(Level.META), seed, b -> {});
    FaultEntryParser p = new FaultEntryParser(BuiltinFaults.catalog());
    e.add(p.parse(YAML.readTree("{probability: 0.5, drop: {to: client}}"), "f", "f1").get(0));
    FakeLink l = new FakeLink(1, 1, 1, c);
    e.onOpen(l);
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      sent.add("client:" + i);
      l.send(Direction.TO_CLIENT, Integer.toString(i));
    }
    sent.removeAll(l.delivered);
    return sent;
  }

  @Test
  void anAttemptTriggerStartsBeforeThatAttemptIsAnswered() throws Exception {
    add("{on: {attempt: 2}, for: 1s, drop: {to: client}}");
    engine.onAttempt(new AttemptView(1, 1, 1, "/", null, Map.of()));
    FakeLink a = open(1);
    a.send(Direction.TO_CLIENT, "1");
    engine.onAttempt(new AttemptView(2, 1, 2, "/", null, Map.of()));
    FakeLink b = open(1);
    b.send(Direction.TO_CLIENT, "2");
    assertEquals(List.of("client:1"), a.delivered.subList(0, 1));
    assertEquals(List.of(), b.delivered, "the fault covers the link the attempt opened");
  }

  @Test
  void duplicateIdsAreRefused() throws Exception {
    add("{id: x, drop: {to: client}}");
    FaultSpec again = parser.parse(YAML.readTree("{id: x, drop: {to: server}}"), "f", "f9").get(0);
    assertThrows(IllegalArgumentException.class, () -> engine.add(again));
  }

  @Test
  void aFaultThatTouchesNoLinkSaysSo() throws Exception {
    add("{at: 1s, close: {code: 1001}}");
    clock.advanceMillis(1000);
    assertTrue(
        timeline.events().stream().anyMatch(e -> e.body() instanceof EventBody.Fault f && "links: 0".equals(f.detail())),
        timeline.events().toString());
  }

  @Test
  void restartServerReachesTheServerControlTheRunnerGave() throws Exception {
    List<String> restarts = new ArrayList<>();
    engine.serverControl((downFor, signal) -> restarts.add(downFor + " " + signal));
    add("{on: {open: 1}, restart_server: {down_for: 1s, signal: kill}}");
    open(1);
    open(1);
    add("{at: 1s, restart_server: {}}");
    clock.advanceMillis(1000);
    assertEquals(List.of("PT1S KILL", "PT0S TERM"), restarts, "one restart each time a restart_server fires");
  }
}
