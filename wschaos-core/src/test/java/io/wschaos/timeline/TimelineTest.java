package io.wschaos.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.frame.Direction;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimelineTest {
  @TempDir Path dir;

  private Timeline.Options options() {
    return Timeline.Options.defaults().withSpillDir(dir);
  }

  private static EventBody message(long id) {
    return new EventBody.Message(Direction.TO_CLIENT, id, "text", 42, 1, null, false);
  }

  @Test
  void seqAndTimeNeverGoBackwardsUnderFourConcurrentRecorders() throws Exception {
    int threads = 4;
    int perThread = 25_000;
    try (Timeline t = new Timeline(Level.META, options())) {
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<long[]>> results = new ArrayList<>();
      for (int k = 0; k < threads; k++) {
        int link = k + 1;
        results.add(pool.submit(() -> {
          start.await();
          long[] seqs = new long[perThread];
          for (int i = 0; i < perThread; i++) {
            seqs[i] = t.record(link, 1, message(i + 1)).seq();
          }
          return seqs;
        }));
      }
      start.countDown();
      for (Future<long[]> r : results) {
        long[] seqs = r.get();
        for (int i = 1; i < seqs.length; i++) {
          assertTrue(seqs[i] > seqs[i - 1], "each recorder sees its own seqs increase");
        }
      }
      pool.shutdown();

      List<Event> all = t.events();
      assertEquals(threads * perThread, all.size());
      for (int i = 0; i < all.size(); i++) {
        assertEquals(i + 1, all.get(i).seq(), "seq is 1, 2, 3… without holes or repeats");
        if (i > 0) {
          assertTrue(all.get(i).t() >= all.get(i - 1).t(), "t never goes backwards along seq, at " + (i + 1));
        }
      }
      Map<Integer, Long> perLink = all.stream().collect(Collectors.groupingBy(Event::link, Collectors.counting()));
      assertEquals(Map.of(1, 25_000L, 2, 25_000L, 3, 25_000L, 4, 25_000L), perLink);
    }
  }

  @Test
  void pastTheMemoryBoundEventsSpillToAFileAndSinceStillServesThemAll() throws IOException {
    int bound = 1_000;
    try (Timeline t = new Timeline(Level.META, options().withMemoryBound(bound, Long.MAX_VALUE))) {
      int maxInMemory = 0;
      for (int i = 1; i <= 10_000; i++) {
        t.record(1, 1, message(i));
        maxInMemory = Math.max(maxInMemory, t.stats().inMemory());
      }
      assertTrue(maxInMemory <= bound, "memory held at most " + bound + " events, held " + maxInMemory);
      Timeline.Stats stats = t.stats();
      assertEquals(9_001, stats.firstInMemory(), "memory holds the newest events");
      assertTrue(stats.file() != null && stats.file().startsWith(dir), "a temporary file in the spill dir: " + stats.file());

      List<Event> all = t.since(0);
      assertEquals(LongStream.rangeClosed(1, 10_000).boxed().toList(), all.stream().map(Event::seq).toList());
      for (int i = 0; i < all.size(); i++) {
        assertEquals(message(i + 1), all.get(i).body(), "what was recorded comes back, at seq " + (i + 1));
      }
      assertEquals(all.subList(4_321, 10_000), t.since(4_321), "a cursor in the file region");
      assertEquals(all.subList(3_000, 3_010), t.since(3_000, 10), "a page from the file");
      assertEquals(all.subList(8_995, 9_005), t.since(8_995, 10), "a page across file and memory");
      assertEquals(List.of(), t.since(10_000));
    }
  }

  @Test
  void theByteBoundSpillsToo() {
    String preview = "x".repeat(1_000);
    long maxBytes = 50_000;
    try (Timeline t = new Timeline(Level.PREVIEW, options().withMemoryBound(1_000_000, maxBytes))) {
      for (int i = 1; i <= 500; i++) {
        t.record(1, 1, new EventBody.Message(Direction.TO_SERVER, i, "text", 1_000, 1, preview, false));
        assertTrue(t.stats().memoryBytes() <= maxBytes, "estimated bytes stay within the bound");
      }
      assertTrue(t.stats().inMemory() < 100, "about 50 of 500 events fit: " + t.stats().inMemory());
      assertEquals(500, t.events().size());
    }
  }

  @Test
  void aConfiguredFileGetsEveryEventAndIsCompleteAfterClose() throws IOException {
    Path file = dir.resolve("session.jsonl");
    List<Event> recorded;
    try (Timeline t = new Timeline(Level.META, options().withFile(file))) {
      assertEquals(Path.of(file.toString()), t.file().orElseThrow());
      for (int i = 1; i <= 5_000; i++) {
        t.record(i % 7, 1, message(i));
      }
      t.phase(Phase.TEARDOWN);
      t.record(0, 1, new EventBody.Ended(1, 2));
      t.close();
      recorded = t.events();
    }
    assertEquals(5_001, recorded.size());
    assertEquals(recorded, JsonlReader.read(file));
    assertEquals(Phase.TEARDOWN, recorded.get(5_000).phase());
  }

  @Test
  void theFileIsRedactedWhileTheTimelineKeepsTheRawHandshake() throws IOException {
    Path file = dir.resolve("t.jsonl");
    EventBody.Attempt a =
        new EventBody.Attempt("127.0.0.1:5", "/feed", "token=t0p", Map.of("Cookie", List.of("sid=9")), List.of(), null);
    try (Timeline t = new Timeline(Level.META, options().withFile(file))) {
      t.record(1, 1, a);
      t.close();
      assertEquals(a, t.events().get(0).body(), "memory holds what was recorded");
    }
    String line = Files.readString(file);
    assertFalse(line.contains("t0p") || line.contains("sid=9"), line);
    assertTrue(line.contains("\"query\":\"token=" + Redactor.mask("t0p") + "\""), line);

    Path raw = dir.resolve("raw.jsonl");
    try (Timeline t = new Timeline(Level.META, options().withFile(raw).withRedact(false))) {
      t.record(1, 1, a);
    }
    assertEquals(a, JsonlReader.read(raw).get(0).body(), "--no-redact writes the secrets as recorded");
  }

  @Test
  void spilledHandshakesReadBackRawThoughTheFileIsRedacted() throws IOException {
    EventBody.Attempt a =
        new EventBody.Attempt("127.0.0.1:5", "/feed", "token=t0p&lastSeq=4",
            Map.of("Authorization", List.of("Bearer s3cret")), List.of(), null);
    try (Timeline t = new Timeline(Level.META, options().withMemoryBound(100, Long.MAX_VALUE))) {
      t.record(1, 1, a);
      for (int i = 1; i <= 1_000; i++) {
        t.record(1, 1, message(i));
      }
      assertEquals(902, t.stats().firstInMemory(), "the attempt left memory (1 001 recorded, 100 kept)");
      assertEquals(a, t.events().get(0).body(), "since() gives the handshake as recorded");
      t.close();
      String file = Files.readString(t.file().orElseThrow());
      assertFalse(file.contains("t0p") || file.contains("s3cret"), "the spill file holds no secret");
    }
  }

  @Test
  void aStalledDiskCostsOneShortWaitThenDropsFromTheFileAndMarksTheHole() throws Exception {
    CountDownLatch disk = new CountDownLatch(1);
    Path file = dir.resolve("slow.jsonl");
    Timeline.Options o =
        options().withFile(file).withMemoryBound(100, Long.MAX_VALUE).withWriterMaxBlock(Duration.ofMillis(5));
    Timeline t =
        new Timeline(Level.META, o, path -> new FilterOutputStream(Files.newOutputStream(path)) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            try {
              disk.await(); // the disk stalls until the test lets it go
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
            out.write(b, off, len);
          }
        });
    try (t) {
      long start = System.nanoTime();
      for (int i = 1; i <= 5_000; i++) {
        t.record(1, 1, message(i));
        assertTrue(t.stats().inMemory() <= 100, "memory stays bounded while the disk is stalled");
      }
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(tookMs < 2_000, "5 000 records with a stalled disk took " + tookMs + " ms");
      long lostWhileStalled = t.stats().lostFromFile();
      assertTrue(lostWhileStalled >= 5_000 - 100 - TimelineFile.BATCH,
          "what left memory before the writer took it is lost to the file: " + lostWhileStalled);

      disk.countDown();
      long deadline = System.nanoTime() + 5_000_000_000L;
      Event marker = null;
      while (marker == null && System.nanoTime() < deadline) {
        Thread.sleep(5);
        t.record(1, 1, message(0));
        marker = t.since(5_000).stream().filter(x -> x.body() instanceof EventBody.Lost).findFirst().orElse(null);
      }
      assertTrue(marker != null, "a lost event marks the hole once the writer takes again");
      assertEquals(0, marker.link());
      EventBody.Lost hole = (EventBody.Lost) marker.body();
      assertEquals(t.stats().lostFromFile(), hole.count(), "the marker covers every event the file misses");
      assertTrue(hole.first() >= 2, "the writer took the first events before the disk stalled: " + hole);
      assertTrue(hole.last() < marker.seq() && hole.last() >= 4_900, "the hole ends where memory began when the writer came back: " + hole);
      t.close();

      List<Event> inFile = JsonlReader.read(file);
      List<Event> expected =
          t.events().stream().filter(e -> e.seq() < hole.first() || e.seq() > hole.last()).toList();
      assertEquals(expected, inFile, "the file has everything but the marked hole");
      assertEquals(t.stats().lastSeq(), inFile.size() + hole.count(), "nothing else is missing");
    }
  }

  @Test
  void aSlowButWorkingDiskPacesTheRecorderAndLosesNothing() throws Exception {
    Path file = dir.resolve("paced.jsonl");
    // Writes take about 1 ms, far below the stall threshold even on a loaded machine.
    Timeline.Options o =
        options().withFile(file).withMemoryBound(100, Long.MAX_VALUE).withWriterMaxBlock(Duration.ofSeconds(1));
    Timeline t =
        new Timeline(Level.META, o, path -> new FilterOutputStream(Files.newOutputStream(path)) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            try {
              Thread.sleep(1); // every write is slow, none is stuck
            } catch (InterruptedException e) {
              throw new IOException(e);
            }
            out.write(b, off, len);
          }
        });
    try (t) {
      for (int i = 1; i <= 3_000; i++) {
        t.record(1, 1, message(i));
        assertTrue(t.stats().inMemory() <= 100, "memory stays bounded");
      }
      assertEquals(0, t.stats().lostFromFile(), "a slow writer slows the recorder down instead of losing events");
      assertEquals(3_000, t.events().size());
      t.close();
      assertEquals(t.events(), JsonlReader.read(file));
    }
  }

  @Test
  void aSlowSubscriberGetsAGapAndDoesNotSlowTheRecorder() throws Exception {
    int n = 100_000;
    CountDownLatch stuck = new CountDownLatch(1);
    CountDownLatch seenLast = new CountDownLatch(1);
    List<Event> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    try (Timeline t = new Timeline(Level.META, options().withSubscriberQueue(64))) {
      t.subscribe(e -> {
        try {
          stuck.await(); // a subscriber that cannot keep up at all
        } catch (InterruptedException x) {
          Thread.currentThread().interrupt();
        }
        seen.add(e);
        if (e.seq() == n) {
          seenLast.countDown();
        }
      });
      long start = System.nanoTime();
      for (int i = 1; i <= n; i++) {
        t.record(1, 1, message(i));
      }
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(tookMs < 3_000, n + " records with a stuck subscriber took " + tookMs + " ms");
      stuck.countDown();
      assertTrue(seenLast.await(5, java.util.concurrent.TimeUnit.SECONDS), "the subscriber catches up to the last seq");
    }
    List<Event> got = List.copyOf(seen);
    long delivered = got.stream().filter(e -> e.body() instanceof EventBody.Message).count();
    long missed = got.stream().filter(e -> e.body() instanceof EventBody.Gap).mapToLong(e -> ((EventBody.Gap) e.body()).missed()).sum();
    assertTrue(missed > 0, "at least one gap");
    assertEquals(n, delivered + missed, "every event was either delivered or counted in a gap");
    long expectNext = 1;
    for (Event e : got) {
      long first = e.body() instanceof EventBody.Gap g ? e.seq() - g.missed() + 1 : e.seq();
      assertEquals(expectNext, first, "the stream is seq order with gaps exactly where events were missed");
      expectNext = e.seq() + 1;
    }
  }

  @Test
  void aSubscriberThatKeepsUpSeesEveryEventInOrderAndUnsubscribeStopsIt() throws Exception {
    List<Long> seqs = java.util.Collections.synchronizedList(new ArrayList<>());
    try (Timeline t = new Timeline(Level.META, options())) {
      t.record(1, 1, message(0)); // before subscribing: not delivered
      Runnable unsubscribe = t.subscribe(e -> seqs.add(e.seq()));
      for (int i = 1; i <= 5_000; i++) {
        t.record(1, 1, message(i));
      }
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (seqs.size() < 5_000 && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertEquals(LongStream.rangeClosed(2, 5_001).boxed().toList(), List.copyOf(seqs));
      unsubscribe.run();
      t.record(1, 1, message(5_001));
      Thread.sleep(50);
      assertEquals(5_000, seqs.size(), "nothing after unsubscribe");
    }
  }

  @Test
  void closeDrainsSubscribersAndTheTimelineStaysReadable() throws Exception {
    List<Long> seqs = java.util.Collections.synchronizedList(new ArrayList<>());
    Timeline t = new Timeline(Level.META, options().withMemoryBound(10, Long.MAX_VALUE));
    t.subscribe(e -> seqs.add(e.seq()));
    for (int i = 1; i <= 100; i++) {
      t.record(1, 1, message(i));
    }
    t.close();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (seqs.size() < 100 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertEquals(100, seqs.size(), "queued events are delivered after close");
    assertEquals(100, t.events().size(), "old events still come from the closed file");
    assertEquals(101, t.record(1, 1, message(101)).seq(), "recording after close keeps counting (memory only)");
  }
}
