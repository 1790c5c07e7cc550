package io.wschaos.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Timeline;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The bookkeeping every relay test ends with, once all its links have ended: the proxy holds no
 * live link within 2 s, each handshake is one {@code attempt} numbered 1..N in order, and every
 * link that opened has exactly one {@code ended} event (a refused handshake has none).
 */
final class LinkLedger {
  private LinkLedger() {}

  static void assertEveryLinkEnded(ProxyServer proxy) {
    Waits.until(() -> proxy.liveLinks() == 0, Duration.ofSeconds(2),
        () -> proxy.liveLinks() + " links still live after the test: " + proxy.links() + "\n" + tail(proxy.timeline()));
    List<Event> events = proxy.timeline().events();
    List<Integer> attempts = events.stream().filter(e -> e.body() instanceof EventBody.Attempt).map(Event::link).toList();
    List<Integer> expected = IntStream.rangeClosed(1, attempts.size()).boxed().toList();
    assertEquals(expected, attempts, () -> "attempt link ids, one per handshake, in order\n" + tail(proxy.timeline()));
    Map<Integer, Long> opened = count(events, EventBody.Open.class);
    Map<Integer, Long> ended = count(events, EventBody.Ended.class);
    Map<Integer, Long> onePerOpened = new TreeMap<>();
    opened.keySet().forEach(id -> onePerOpened.put(id, 1L));
    assertEquals(onePerOpened, ended, () -> "ended events per link (each opened link ends once)\n" + tail(proxy.timeline()));
  }

  private static Map<Integer, Long> count(List<Event> events, Class<? extends EventBody> kind) {
    return events.stream().filter(e -> kind.isInstance(e.body()))
        .collect(Collectors.groupingBy(Event::link, TreeMap::new, Collectors.counting()));
  }

  /** The last 60 events, one a line: enough to see how the last links ended. */
  static String tail(Timeline timeline) {
    List<Event> all = timeline.events();
    return all.subList(Math.max(0, all.size() - 60), all.size()).stream()
        .map(e -> e.seq() + " link " + e.link() + " " + e.body())
        .collect(Collectors.joining("\n"));
  }

  /** The events of {@code link}, one a line. */
  static String of(Timeline timeline, int link) {
    return timeline.events().stream().filter(e -> e.link() == link)
        .map(e -> e.seq() + " " + e.body()).collect(Collectors.joining("\n"));
  }
}
