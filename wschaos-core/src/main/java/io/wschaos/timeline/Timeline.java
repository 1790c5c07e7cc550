package io.wschaos.timeline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The append-only event stream of one scenario or proxy session (docs/timeline.md).
 *
 * <p><b>Ordering.</b> Any thread may record. One lock is the single ordering point: under it an
 * event gets its {@code seq} (1, 2, 3…) and its {@code t} (µs since this timeline's {@code
 * nanoTime} origin), so neither ever goes backwards, and the file and every subscriber receive
 * events in seq order. Under the lock the recorder touches memory only; it never does I/O.
 *
 * <p><b>Memory.</b> At most {@link Options#maxEvents()} events and {@link Options#maxBytes()}
 * estimated bytes stay in memory: the newest. Every event is also appended to a JSONL file when
 * one is configured ({@code --timeline FILE}); without one, a private temporary file is started
 * once memory is half full (so that its writer is warm and ahead by the time events must leave
 * memory), and it begins with everything then in memory. Events that left memory are served from
 * that file by {@link #since(long)}, through an index of every {@value TimelineFile#INDEX_EVERY}th
 * line's offset.
 *
 * <p><b>The file writer</b> is one daemon thread. Memory itself is its bounded queue: it takes
 * batches of up to {@value TimelineFile#BATCH} events in seq order, and an event leaves memory
 * only once the writer has taken it. When memory is full and the oldest event has not been taken
 * yet, the recorder waits for the writer while the writer is working (a writer slower than the
 * recorder paces it: memory stays bounded and nothing is lost). It stops waiting when the writer
 * has been stuck in one disk write or flush for longer than {@link Options#writerMaxBlock()}
 * (20 ms by default: a stalled disk), or has taken nothing for {@link #WRITER_STALL} while not in
 * I/O; the oldest events then leave memory without reaching the file, and no recorder waits again
 * until the writer takes events again. It then records a {@link EventBody.Lost} event naming the
 * seqs the file misses. So a stalled disk costs each stall one short pause, never a stalled link.
 *
 * <p><b>Subscribers</b> each get a bounded queue and their own thread; one that falls behind
 * misses events and receives a {@link EventBody.Gap} instead. They never slow the recorder.
 */
public final class Timeline implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Timeline.class);
  private static final Subscriber[] NONE = new Subscriber[0];

  /**
   * The longest a recorder waits for a file writer that takes nothing while not in I/O: a last
   * resort for a writer starved of CPU. A busy writer is waited for (its first batch also loads
   * and warms the JSON code, which takes a few hundred ms on a loaded machine).
   */
  public static final Duration WRITER_STALL = Duration.ofSeconds(2);

  private static final long WRITER_STALL_NANOS = WRITER_STALL.toNanos();

  /**
   * How a timeline keeps and writes its events.
   *
   * @param file the JSONL file every event is appended to ({@code --timeline FILE}); null for
   *     none, in which case a temporary file is started once memory is half full
   * @param redact mask secrets in the file ({@code --no-redact} turns it off); memory is never redacted
   * @param maxEvents the most events kept in memory
   * @param maxBytes the most estimated bytes of events kept in memory
   * @param spillDir where the temporary file goes when there is no {@code file}
   * @param writerMaxBlock how long the file writer may be stuck in one write or flush before
   *     recorders stop waiting for it and events leave memory without reaching the file
   * @param subscriberQueue each live subscriber's queue, in events
   */
  public record Options(
      Path file,
      boolean redact,
      int maxEvents,
      long maxBytes,
      Path spillDir,
      Duration writerMaxBlock,
      int subscriberQueue) {
    public static final int DEFAULT_MAX_EVENTS = 100_000;
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;
    public static final Duration DEFAULT_WRITER_MAX_BLOCK = Duration.ofMillis(20);
    public static final int DEFAULT_SUBSCRIBER_QUEUE = 10_000;

    public Options {
      Objects.requireNonNull(spillDir, "spillDir");
      Objects.requireNonNull(writerMaxBlock, "writerMaxBlock");
      if (maxEvents < 1) {
        throw new IllegalArgumentException("maxEvents must be at least 1, got " + maxEvents);
      }
      if (maxBytes < 1) {
        throw new IllegalArgumentException("maxBytes must be at least 1, got " + maxBytes);
      }
      if (writerMaxBlock.isNegative()) {
        throw new IllegalArgumentException("writerMaxBlock must not be negative, got " + writerMaxBlock);
      }
      if (subscriberQueue < 2) {
        throw new IllegalArgumentException("subscriberQueue must be at least 2, got " + subscriberQueue);
      }
    }

    public static Options defaults() {
      return new Options(
          null, true, DEFAULT_MAX_EVENTS, DEFAULT_MAX_BYTES, Path.of(System.getProperty("java.io.tmpdir")),
          DEFAULT_WRITER_MAX_BLOCK, DEFAULT_SUBSCRIBER_QUEUE);
    }

    public Options withFile(Path file) {
      return new Options(file, redact, maxEvents, maxBytes, spillDir, writerMaxBlock, subscriberQueue);
    }

    public Options withRedact(boolean redact) {
      return new Options(file, redact, maxEvents, maxBytes, spillDir, writerMaxBlock, subscriberQueue);
    }

    public Options withMemoryBound(int maxEvents, long maxBytes) {
      return new Options(file, redact, maxEvents, maxBytes, spillDir, writerMaxBlock, subscriberQueue);
    }

    public Options withSpillDir(Path spillDir) {
      return new Options(file, redact, maxEvents, maxBytes, spillDir, writerMaxBlock, subscriberQueue);
    }

    public Options withWriterMaxBlock(Duration writerMaxBlock) {
      return new Options(file, redact, maxEvents, maxBytes, spillDir, writerMaxBlock, subscriberQueue);
    }

    public Options withSubscriberQueue(int subscriberQueue) {
      return new Options(file, redact, maxEvents, maxBytes, spillDir, writerMaxBlock, subscriberQueue);
    }
  }

  /**
   * A snapshot of the timeline's bookkeeping.
   *
   * @param lastSeq the seq of the newest event, 0 before the first
   * @param inMemory events held in memory
   * @param memoryBytes their estimated size
   * @param firstInMemory the seq of the oldest event in memory (lastSeq + 1 when empty)
   * @param lostFromFile events that left memory before the file writer took them
   * @param file the JSONL file, configured or temporary; null while there is none
   */
  public record Stats(
      long lastSeq, int inMemory, long memoryBytes, long firstInMemory, long lostFromFile, Path file) {}

  private final Level level;
  private final Options options;
  private final Redactor redactor;
  private final TimelineFile.Opener opener;
  private final long originNanos = System.nanoTime();
  private final long maxBlockNanos;
  private volatile Phase phase = Phase.RUN;

  private final ReentrantLock lock = new ReentrantLock();
  /** Signalled when there are events for a waiting writer. */
  private final Condition recorded = lock.newCondition();
  /** Signalled when the writer takes a batch. */
  private final Condition taken = lock.newCondition();
  // Guarded by lock.
  private final EventRing ring = new EventRing();
  private long memoryBytes;
  private long seq;
  private TimelineFile file;
  private long takenUpTo;
  private boolean writerWaiting;
  private boolean dropping;
  private long lost;
  private Subscriber[] subscribers = NONE;
  private boolean closed;
  private long closedAt;
  private volatile int waitingForWriter;
  private long stalledFrom;

  /** A timeline with the default bounds, no file until memory is half full, and redacted files. */
  public Timeline(Level level) {
    this(level, Options.defaults());
  }

  /**
   * @throws UncheckedIOException when {@code options.file()} cannot be created
   */
  public Timeline(Level level, Options options) {
    this(level, options, TimelineFile.FILES);
  }

  Timeline(Level level, Options options, TimelineFile.Opener opener) {
    this.level = Objects.requireNonNull(level, "level");
    this.options = Objects.requireNonNull(options, "options");
    this.redactor = Redactor.of(options.redact());
    this.opener = opener;
    this.maxBlockNanos = options.writerMaxBlock().toNanos();
    if (options.file() != null) {
      try {
        file = TimelineFile.configured(options.file(), redactor, rawBudget(), opener, source());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write timeline file " + options.file() + ": " + e.getMessage(), e);
      }
    }
  }

  public Level level() {
    return level;
  }

  public Options options() {
    return options;
  }

  /** Microseconds since this timeline's origin. */
  public long now() {
    return (System.nanoTime() - originNanos) / 1_000;
  }

  /** Events recorded from now on carry {@code phase}. */
  public void phase(Phase phase) {
    this.phase = Objects.requireNonNull(phase, "phase");
  }

  public Phase phase() {
    return phase;
  }

  /**
   * Records {@code body} now and returns the event. Safe from any thread; never does I/O. It waits
   * only when memory is full of events the file writer has not taken yet (see the class comment).
   */
  public Event record(int link, int client, EventBody body) {
    Objects.requireNonNull(body, "body");
    int size = EventSize.of(body);
    long stalled = 0;
    lock.lock();
    try {
      Event e = new Event(++seq, now(), link, client, phase, body);
      append(e, size);
      if (file == null && !closed && halfFull()) {
        startSpill();
      }
      if (!closed && over()) {
        evict();
        stalled = stalledFrom;
        stalledFrom = 0;
      }
      return e;
    } finally {
      lock.unlock();
      if (stalled != 0) {
        log.warn("timeline writer for {} is stalled; events leave memory without reaching the file from seq {}",
            file().map(Path::toString).orElse("?"), stalled);
      }
    }
  }

  /** Events with {@code seq} greater than {@code since}, oldest first. */
  public List<Event> since(long since) {
    return since(since, Integer.MAX_VALUE);
  }

  /**
   * At most {@code max} events with {@code seq} greater than {@code since}, oldest first. Events
   * no longer in memory are read from the file, which is disk I/O: call it off event loops when
   * the cursor may be old.
   *
   * @throws UncheckedIOException when older events are asked for and the file failed
   */
  public List<Event> since(long since, int max) {
    if (max <= 0) {
      return List.of();
    }
    List<Event> memory;
    long head;
    long needed;
    TimelineFile f;
    lock.lock();
    try {
      head = head();
      int from = (int) Math.min(ring.size(), Math.max(since + 1, head) - head);
      int to = (int) Math.min(ring.size(), (long) from + max);
      memory = ring.copy(from, to);
      f = file;
      needed = Math.min(head - 1, takenUpTo);
    } finally {
      lock.unlock();
    }
    if (f == null || since + 1 >= head) {
      return memory;
    }
    List<Event> older = f.read(since, head, needed, max);
    if (older.size() >= max || memory.isEmpty()) {
      return older;
    }
    List<Event> all = new ArrayList<>(Math.min(older.size() + memory.size(), max));
    all.addAll(older);
    all.addAll(memory.subList(0, Math.min(memory.size(), max - older.size())));
    return all;
  }

  /** Every event, oldest first. */
  public List<Event> events() {
    return since(0);
  }

  /**
   * Delivers every event recorded from now on to {@code subscriber}, on a thread of its own, in
   * seq order; when it falls behind its queue it gets a {@link EventBody.Gap} for what it missed.
   * Returns the action that unsubscribes.
   */
  public Runnable subscribe(Consumer<Event> subscriber) {
    Subscriber s = new Subscriber(this, Objects.requireNonNull(subscriber), options.subscriberQueue());
    lock.lock();
    try {
      if (closed) {
        return () -> {};
      }
      Subscriber[] more = Arrays.copyOf(subscribers, subscribers.length + 1);
      more[subscribers.length] = s;
      subscribers = more;
    } finally {
      lock.unlock();
    }
    s.start();
    return () -> {
      lock.lock();
      try {
        subscribers = Arrays.stream(subscribers).filter(x -> x != s).toArray(Subscriber[]::new);
      } finally {
        lock.unlock();
      }
      s.stop(false);
    };
  }

  /** The JSONL file, configured or temporary, once there is one. */
  public Optional<Path> file() {
    lock.lock();
    try {
      return Optional.ofNullable(file).map(TimelineFile::path);
    } finally {
      lock.unlock();
    }
  }

  public Stats stats() {
    lock.lock();
    try {
      return new Stats(seq, ring.size(), memoryBytes, head(), lost, file == null ? null : file.path());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Lets the file writer take everything recorded so far, flush and close the file (waiting up
   * to 30 s for it), and lets subscribers drain their queues. The timeline stays readable. Events
   * recorded after close stay in memory only.
   */
  @Override
  public void close() {
    TimelineFile f;
    Subscriber[] subs;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      closedAt = seq;
      f = file;
      subs = subscribers;
      subscribers = NONE;
      recorded.signalAll();
      taken.signalAll();
    } finally {
      lock.unlock();
    }
    if (f != null) {
      f.awaitClosed();
    }
    for (Subscriber s : subs) {
      s.stop(true);
    }
  }

  /** A gap event for a subscriber: its seq is the last one missed. */
  Event gap(long missed, long lastMissed) {
    return new Event(lastMissed, now(), 0, 0, phase, new EventBody.Gap(missed));
  }

  Event takeGap(Subscriber s) {
    lock.lock();
    try {
      return s.takeGap();
    } finally {
      lock.unlock();
    }
  }

  /** Under lock. */
  private void append(Event e, int size) {
    ring.add(e, size);
    memoryBytes += size;
    for (Subscriber s : subscribers) {
      s.offer(e);
    }
    if (writerWaiting) {
      writerWaiting = false;
      recorded.signal();
    }
  }

  /** Under lock. */
  private boolean over() {
    return ring.size() > options.maxEvents() || memoryBytes > options.maxBytes();
  }

  /** Under lock. */
  private long head() {
    return ring.size() == 0 ? seq + 1 : ring.first().seq();
  }

  /** Under lock. */
  private boolean halfFull() {
    return ring.size() > options.maxEvents() / 2 || memoryBytes > options.maxBytes() / 2;
  }

  /**
   * Under lock: memory is half full and there is no file; start the temporary one now, so that
   * its writer is warm and ahead by the time events must leave memory.
   */
  private void startSpill() {
    file = TimelineFile.spill(options.spillDir(), redactor, rawBudget(), opener, source());
  }

  /** Under lock: memory is over its bound; drop the oldest events, once the file has them. */
  private void evict() {
    if (file == null) {
      startSpill();
    }
    while (!closed && over() && ring.size() > 1) {
      long oldest = ring.first().seq();
      if (oldest <= takenUpTo) {
        memoryBytes -= ring.removeFirst();
        continue;
      }
      if (!dropping && awaitWriter(oldest)) {
        continue;
      }
      if (!dropping && !closed) {
        dropping = true;
        stalledFrom = oldest;
      }
      if (!closed) {
        memoryBytes -= ring.removeFirst();
        lost++;
      }
    }
  }

  /**
   * Under lock: waits for the writer to take {@code oldest}; true if it did. A writer that is
   * working paces the recorder; one stuck in a single write or flush for longer than
   * writerMaxBlock (a stalled disk; seen twice, a slice apart, so that a GC pause during a write
   * does not count), or that takes nothing for {@link #WRITER_STALL} (starved, broken), is given
   * up on.
   */
  private boolean awaitWriter(long oldest) {
    long start = System.nanoTime();
    long slice = Math.max(1_000_000, maxBlockNanos / 4);
    long stuckWrite = 0;
    waitingForWriter++;
    try {
      while (takenUpTo < oldest) {
        long now = System.nanoTime();
        if (closed || file.stopped() || now - start > WRITER_STALL_NANOS) {
          return false;
        }
        long write = file.stuckInIo(now, maxBlockNanos);
        if (write != 0 && write == stuckWrite) {
          // The same write, seen stuck twice a slice apart: not just a GC pause that ended.
          return false;
        }
        stuckWrite = write;
        taken.awaitNanos(slice);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      waitingForWriter--;
    }
  }

  private TimelineFile.Source source() {
    return new TimelineFile.Source() {
      @Override
      public List<Event> take(int max) throws InterruptedException {
        return Timeline.this.take(max);
      }

      @Override
      public boolean hurry() {
        return waitingForWriter > 0;
      }
    };
  }

  /** The file writer's source: the next events in seq order, waiting for some. */
  private List<Event> take(int max) throws InterruptedException {
    EventBody.Lost lostMark = null;
    lock.lock();
    try {
      while (true) {
        long limit = closed ? closedAt : seq;
        long head = head();
        if (takenUpTo + 1 < head && takenUpTo < limit) {
          lostMark = markLost(takenUpTo + 1, Math.min(head - 1, limit));
          continue;
        }
        if (takenUpTo < limit) {
          int from = (int) (takenUpTo + 1 - head);
          int n = (int) Math.min(limit - takenUpTo, max);
          List<Event> batch = ring.copy(from, from + n);
          takenUpTo += n;
          dropping = false;
          taken.signalAll();
          while (over() && ring.size() > 1 && ring.first().seq() <= takenUpTo) {
            memoryBytes -= ring.removeFirst();
          }
          return batch;
        }
        if (closed) {
          return List.of();
        }
        writerWaiting = true;
        recorded.await();
      }
    } finally {
      lock.unlock();
      if (lostMark != null) {
        log.warn("timeline writer for {} is taking events again; events {}..{} are not in the file",
            file().map(Path::toString).orElse("?"), lostMark.first(), lostMark.last());
      }
    }
  }

  /** Under lock: events first..last left memory before the writer took them; say so on the timeline. */
  private EventBody.Lost markLost(long first, long last) {
    takenUpTo = last;
    EventBody.Lost body = new EventBody.Lost(first, last);
    Event marker = new Event(++seq, now(), 0, 0, phase, body);
    append(marker, EventSize.of(body));
    if (closed) {
      closedAt = marker.seq();
    }
    return body;
  }

  /** Raw copies of redacted events kept for reading the file back: a quarter of the memory bound. */
  private long rawBudget() {
    return Math.max(1, options.maxBytes() / 4);
  }
}
