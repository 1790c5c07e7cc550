package io.wschaos.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.expect.builtin.BuiltinExpectations;
import io.wschaos.fault.builtin.BuiltinFaults;
import io.wschaos.journal.RunJournal;
import io.wschaos.scenario.Scenario;
import io.wschaos.scenario.ScenarioLoader;
import io.wschaos.testsupport.Browser;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each device fault seen from inside a real page: one scenario runs wschaos-core/src/test/resources/browser/probe.html
 * in headless Chromium through the runner, with hidden, freeze, offline, throttle_network and sleep one
 * after the other; the page logs what it sees (events, navigator.onLine, timer gaps, how its sockets open
 * or fail) and the test reads those console lines off the timeline, between the fault's
 * {@code applied} and {@code lifted} events.
 */
class BrowserDeviceFaultsTest {
  static final String SCENARIO = """
      name: device-faults-probe
      server: {builtin: feed, options: {rate: 5}}
      client: {browser: {page: wschaos-core/src/test/resources/browser/probe.html}}
      duration: 14s
      faults:
        - {id: tab, at: 1500ms, for: 1s, hidden: {}}
        - {id: background, at: 3s, for: 1500ms, freeze: {}}
        - {id: wifi, at: 5s, for: 1500ms, offline: {}}
        - {id: slow, at: 7s, for: 2500ms, throttle_network: {latency: 900ms}}
        - {id: nap, at: 10s, for: 1500ms, sleep: {}}
      expect:
        - events: {kind: open, count: {max: 1000}}
      """;

  static RunJournal journal;
  static List<Event> events;

  @BeforeAll
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  static void run(@TempDir Path dir) throws IOException {
    Browser.require();
    Path file = dir.resolve("probe.yaml");
    Files.writeString(file, SCENARIO);
    ScenarioLoader.Loaded loaded = new ScenarioLoader(BuiltinFaults.catalog(), BuiltinExpectations.catalog()).load(List.of(file));
    assertTrue(loaded.ok(), () -> "valid: " + loaded.errors());
    Scenario s = loaded.scenarios().get(0);
    try (SuiteRunner runner = new SuiteRunner(1, ScenarioRunner.Options.defaults())) {
      journal = runner.run(List.of(s), 1, new SuiteRunner.Listener() {}).runs().get(0);
    }
    events = journal.timeline();
  }

  static List<Event> lines() {
    return events.stream().filter(e -> e.body() instanceof EventBody.ClientProcess c && c.line() != null).toList();
  }

  static String text(Event e) {
    return ((EventBody.ClientProcess) e.body()).line();
  }

  static String story() {
    return events.stream().filter(e -> e.body() instanceof EventBody.ClientProcess || e.body() instanceof EventBody.Fault f && !"swallowed".equals(f.action()))
        .map(e -> String.format("%8.3f c%d %s", e.t() / 1000.0, e.client(), e.body() instanceof EventBody.ClientProcess c ? c.action() + " " + c.line()
            : ((EventBody.Fault) e.body()).fault() + " " + ((EventBody.Fault) e.body()).action() + " " + ((EventBody.Fault) e.body()).detail()))
        .collect(Collectors.joining("\n"));
  }

  /** The fault's applied and lifted events on instance 1. */
  static Event[] window(String fault) {
    Event applied = null;
    Event lifted = null;
    for (Event e : events) {
      if (e.client() == 1 && e.body() instanceof EventBody.Fault f && f.fault().equals(fault)) {
        if ("applied".equals(f.action()) && applied == null) {
          applied = e;
        } else if ("lifted".equals(f.action()) && lifted == null) {
          lifted = e;
        }
      }
    }
    Event a = applied;
    Event l = lifted;
    assertTrue(a != null && l != null && l.t() > a.t(), () -> fault + " was applied and lifted on the page:\n" + story());
    return new Event[] {a, l};
  }

  /** The engine's {@code stopped} event of {@code fault}: its window is over. */
  static Event stopped(String fault) {
    return events.stream().filter(e -> e.link() == 0 && e.body() instanceof EventBody.Fault f && f.fault().equals(fault) && "stopped".equals(f.action()))
        .findFirst().orElseThrow(() -> new AssertionError(fault + " stopped:\n" + story()));
  }

  /** Console lines of the page matching {@code regex} between {@code from} and {@code to} (µs seq order). */
  static List<Event> between(String regex, Event from, Event to) {
    Pattern p = Pattern.compile(regex);
    return lines().stream().filter(e -> e.seq() > from.seq() && (to == null || e.seq() < to.seq()) && p.matcher(text(e)).find()).toList();
  }

  static Optional<Event> first(String regex, Event from, Event to) {
    return between(regex, from, to).stream().findFirst();
  }

  @Test
  void theRunHadNoEnvironmentErrorAndThePageGotItsUrlBeforeItsScripts() {
    assertNull(journal.environmentError(), story());
    Event init = lines().stream().filter(e -> text(e).startsWith("probe: init")).findFirst().orElseThrow(() -> new AssertionError(story()));
    Matcher m = Pattern.compile("WSCHAOS_URL=(ws://127\\.0\\.0\\.1:\\d+/) query=(\\S+) onLine=true visibility=visible").matcher(text(init));
    assertTrue(m.find(), text(init));
    assertEquals(m.group(1), m.group(2), "window.WSCHAOS_URL and the query parameter agree");
    assertEquals(1, init.client());
  }

  @Test
  void uncaughtErrorsAndConsoleErrorsAreStderrLinesOfTheInstance() {
    assertTrue(events.stream().anyMatch(e -> e.client() == 1 && e.body() instanceof EventBody.ClientProcess c && "stderr".equals(c.action())
        && c.line().contains("Uncaught Error: a deliberate uncaught error")), story());
  }

  @Test
  void hiddenFlipsVisibilityBothWays() {
    Event[] w = window("tab");
    assertTrue(first("visibilitychange hidden hidden=true", w[0], w[1]).isPresent() || first("visibilitychange hidden hidden=true", lastBefore(w[0]), w[1]).isPresent(), story());
    assertTrue(first("visibilitychange visible hidden=false", w[1], null).isPresent(), story());
  }

  /** The page's events fire inside the driver's call, just before the applied event is recorded. */
  static Event lastBefore(Event e) {
    Event prev = events.get(0);
    for (Event x : events) {
      if (x.seq() >= e.seq() - 3) {
        break;
      }
      prev = x;
    }
    return prev;
  }

  @Test
  void freezeStopsEveryTimerUntilItResumes() {
    Event[] w = window("background");
    assertTrue(first("^probe: freeze$", lastBefore(w[0]), w[1]).isPresent(), story());
    // nothing the page logs happens from the freeze until the fault ends (what waited runs after)
    assertTrue(between("^probe: ", w[0], stopped("background")).isEmpty(), "no script ran while frozen:\n" + story());
    Event gap = first("timer gap (\\d+) ms", w[0], null).orElseThrow(() -> new AssertionError("a timer gap after the freeze:\n" + story()));
    Matcher m = Pattern.compile("timer gap (\\d+) ms").matcher(text(gap));
    assertTrue(m.find() && Long.parseLong(m.group(1)) >= 1200, "timers waited the whole 1.5 s freeze: " + text(gap));
    assertTrue(first("^probe: resume$", w[1], null).isPresent(), story());
  }

  @Test
  void offlineFailsNewSocketsInTheBrowserAndBlackholesTheOpenLink() {
    Event[] w = window("wifi");
    assertTrue(first("offline onLine=false", lastBefore(w[0]), w[1]).isPresent(), story());
    assertTrue(first("probe failed after \\d+ ms onLine=false", w[0], w[1]).isPresent(), "a socket opened while offline fails:\n" + story());
    assertTrue(first("ERR_INTERNET_DISCONNECTED", w[0], w[1]).isPresent(), "Chromium's own error, as a page's console shows it:\n" + story());
    assertTrue(first("online onLine=true", lastBefore(w[1]), null).isPresent(), story());
    // the main link went half-open, and was reset when the network came back: the page saw 1006
    assertTrue(events.stream().anyMatch(e -> e.body() instanceof EventBody.Abort a && "wifi".equals(a.fault())), story());
    assertTrue(first("main close 1006", w[0], null).isPresent(), story());
    assertTrue(events.stream().anyMatch(e -> e.body() instanceof EventBody.Fault f && "wifi".equals(f.fault()) && "swallowed".equals(f.action())),
        "what the page sent on its open link was swallowed");
  }

  @Test
  void throttleNetworkSlowsEveryHandshake() {
    Event[] w = window("slow");
    List<Long> during = openTimes(between("probe opened in", w[0], w[1]));
    List<Long> after = openTimes(between("probe opened in", w[1], window("nap")[0]));
    assertTrue(!during.isEmpty() && during.stream().allMatch(ms -> ms >= 850), "every handshake waited the 900 ms latency: " + during + "\n" + story());
    assertTrue(!after.isEmpty() && after.stream().anyMatch(ms -> ms < 500), "and fast again afterwards: " + after);
  }

  static List<Long> openTimes(List<Event> lines) {
    List<Long> out = new ArrayList<>();
    for (Event e : lines) {
      Matcher m = Pattern.compile("probe opened in (\\d+) ms").matcher(text(e));
      if (m.find()) {
        out.add(Long.parseLong(m.group(1)));
      }
    }
    return out;
  }

  @Test
  void sleepFreezesThePageAndTheLinkIsResetAtWake() {
    Event[] w = window("nap");
    assertTrue(between("^probe: ", w[0], stopped("nap")).isEmpty(), "no script ran while asleep:\n" + story());
    Event gap = first("timer gap (\\d+) ms", w[0], null).orElseThrow(() -> new AssertionError("a timer gap after the sleep:\n" + story()));
    Matcher m = Pattern.compile("timer gap (\\d+) ms").matcher(text(gap));
    assertTrue(m.find() && Long.parseLong(m.group(1)) >= 1200, text(gap));
    assertTrue(events.stream().anyMatch(e -> e.body() instanceof EventBody.Abort a && "nap".equals(a.fault())), "the proxy reset the link at wake:\n" + story());
    assertTrue(first("main close 1006", w[0], null).isPresent(), "and the page saw 1006 after waking:\n" + story());
  }

  @Test
  void theBrowserProcessesAreGoneAfterTheRun() throws IOException {
    List<Long> pids = BrowserSuiteTest.browserPids(journal);
    assertTrue(pids.size() >= 2, "the run reported its Chromium processes: " + pids);
    assertEquals(List.of(), pids.stream().filter(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)).toList(), "browser processes left behind");
  }
}
