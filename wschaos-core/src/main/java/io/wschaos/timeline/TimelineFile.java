package io.wschaos.timeline;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timeline's JSONL file: one daemon writer thread that pulls batches of events from the
 * timeline's memory (its {@link Source}), redacts and serializes a batch in memory, then appends
 * it in one write and flush (the only time it is "in I/O", which {@link #stuckInIo} reports); and
 * the reading side that serves {@code since()} for events no longer in memory.
 *
 * <p>Every {@value #INDEX_EVERY}th line's seq and byte offset go in an in-memory index, so a read
 * seeks close to its cursor. Events that redaction changed are kept raw (up to a byte budget) and
 * substituted on read, so that readers of the timeline see what was recorded, not what was written.
 */
final class TimelineFile {
  private static final Logger log = LoggerFactory.getLogger(TimelineFile.class);

  /** Opens the output stream of a file; a seam for tests that simulate a slow disk. */
  interface Opener {
    OutputStream open(Path file) throws IOException;
  }

  /** Where the writer gets its events: the timeline's memory. */
  interface Source {
    /**
     * Up to {@code max} events after the last ones taken, oldest first, waiting for some to be
     * recorded; an empty list once the timeline is closed and everything has been taken.
     */
    List<Event> take(int max) throws InterruptedException;

    /** True while a recorder waits for the writer: no pause between batches then. */
    boolean hurry();
  }

  static final Opener FILES = Files::newOutputStream;
  static final int INDEX_EVERY = 1024;
  static final int BATCH = 4096;

  private static final long PAUSE_MILLIS = 2;
  private static final long WAIT_SECONDS = 30;
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Path path;
  private final Redactor redactor;
  private final long rawBudget;
  private final Thread thread;
  private volatile boolean stopped;
  private volatile boolean inIo;
  private volatile long ioStart;

  // Written by the writer thread under `progress`; read by since().
  private final Object progress = new Object();
  private long flushedSeq;
  private long flushedBytes;
  private long lines;
  private IOException failure;
  private boolean done;
  private long[] indexSeq = new long[64];
  private long[] indexOffset = new long[64];
  private int indexSize;

  // Raw originals of lines that redaction changed: the map is read by since(), the order and
  // byte count belong to the writer thread.
  private final ConcurrentHashMap<Long, Event> raw = new ConcurrentHashMap<>();
  private final ArrayDeque<long[]> rawOrder = new ArrayDeque<>();
  private long rawBytes;

  private TimelineFile(Path path, Redactor redactor, long rawBudget, OutputStream early, Opener opener, Source source) {
    this.path = path;
    this.redactor = redactor;
    this.rawBudget = rawBudget;
    this.thread = new Thread(() -> run(early, opener, source), "wschaos-timeline-writer-" + THREADS.incrementAndGet());
    thread.setDaemon(true);
    thread.start();
  }

  /** The file the user asked for ({@code --timeline FILE}): created or truncated now, so a bad path fails at once. */
  static TimelineFile configured(Path file, Redactor redactor, long rawBudget, Opener opener, Source source)
      throws IOException {
    OutputStream out = opener.open(file);
    return new TimelineFile(file, redactor, rawBudget, out, opener, source);
  }

  /**
   * A private temporary file in {@code dir}, created by the writer thread (owner-only where the
   * file system has POSIX permissions, deleted when the JVM exits).
   */
  static TimelineFile spill(Path dir, Redactor redactor, long rawBudget, Opener opener, Source source) {
    Path file =
        dir.resolve("wschaos-timeline-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + ".jsonl");
    return new TimelineFile(file, redactor, rawBudget, null, opener, source);
  }

  Path path() {
    return path;
  }

  /** True once the writer has stopped taking events (it failed, or the timeline closed). */
  boolean stopped() {
    return stopped;
  }

  /**
   * When the writer has been inside one write or flush for longer than {@code nanos}, the
   * nanoTime that write started (which names it); else 0.
   */
  long stuckInIo(long now, long nanos) {
    long started = ioStart;
    return inIo && now - started > nanos ? started | 1 : 0;
  }

  /** Lines written and flushed so far. */
  long written() {
    synchronized (progress) {
      return lines;
    }
  }

  /** Waits up to 30 s for the writer to take the rest, flush and close (the source must be closed). */
  void awaitClosed() {
    try {
      thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      if (thread.isAlive()) {
        log.error("timeline writer for {} did not finish within {} s", path, WAIT_SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Events with {@code since < seq < before}, oldest first, at most {@code max}, after waiting
   * until the writer has flushed every event it took up to seq {@code needed}.
   *
   * @throws UncheckedIOException when the file failed before those events were written, or the
   *     writer did not get there within 30 s
   */
  List<Event> read(long since, long before, long needed, int max) {
    long start;
    long limit;
    synchronized (progress) {
      awaitFlushed(needed);
      start = offsetFor(since + 1);
      limit = flushedBytes;
    }
    List<Event> out = new ArrayList<>();
    if (start >= limit) {
      return out;
    }
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ch.position(start);
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(new Bounded(Channels.newInputStream(ch), limit - start), StandardCharsets.UTF_8),
              1 << 16);
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.isEmpty()) {
          continue;
        }
        Event e = TimelineJson.fromLine(line);
        if (e.seq() <= since) {
          continue;
        }
        if (e.seq() >= before) {
          break;
        }
        Event original = raw.get(e.seq());
        out.add(original != null ? original : e);
        if (out.size() >= max) {
          break;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read timeline file " + path + ": " + e.getMessage(), e);
    }
    return out;
  }

  /** Under progress. */
  private void awaitFlushed(long needed) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (flushedSeq < needed) {
      if (failure != null) {
        throw new UncheckedIOException(
            "timeline file " + path + " failed, events after seq " + flushedSeq + " are not in it: "
                + failure.getMessage(),
            failure);
      }
      if (done) {
        return;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new UncheckedIOException(
            new IOException("timeline writer has not written seq " + needed + " to " + path + " within "
                + WAIT_SECONDS + " s (disk stalled?)"));
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(progress, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UncheckedIOException(new IOException("interrupted while waiting for the timeline writer"));
      }
    }
  }

  /** The offset of the last indexed line whose seq is at most {@code seq}, else 0. Under progress. */
  private long offsetFor(long seq) {
    int i = Arrays.binarySearch(indexSeq, 0, indexSize, seq);
    if (i >= 0) {
      return indexOffset[i];
    }
    int below = -i - 2;
    return below >= 0 ? indexOffset[below] : 0;
  }

  private void run(OutputStream early, Opener opener, Source source) {
    OutputStream out = null;
    long lastSeq = 0;
    long bytes = 0;
    long written = 0;
    ByteArrayOutputStream buf = new ByteArrayOutputStream(1 << 16);
    TimelineJson.Line fast = new TimelineJson.Line();
    try {
      if (early != null) {
        out = early;
      } else {
        ioStart = System.nanoTime();
        inIo = true;
        out = create(opener);
        inIo = false;
        log.info("timeline memory is half full; spilling to {}", path);
      }
      // Load and warm the JSON code now, not on the first batch that recorders may be waiting for.
      JsonlWriter.line(new Event(0, 0, 0, 0, Phase.RUN, new EventBody.Gap(0)), redactor);
      while (true) {
        List<Event> batch = source.take(BATCH);
        if (batch.isEmpty()) {
          break;
        }
        // Serialize the batch in memory (CPU), then hand it to the disk in one write (I/O).
        buf.reset();
        // One generator for the whole batch: a generator and a buffer per event made this thread
        // cost more CPU than relaying the messages (docs/benchmarks.md, finding 6).
        com.fasterxml.jackson.core.JsonGenerator g = TimelineJson.generator(buf);
        for (Event e : batch) {
          Event line = redactor.apply(e);
          if (line != e) {
            keepRaw(e);
          }
          if (written % INDEX_EVERY == 0) {
            index(e.seq(), bytes + buf.size());
          }
          if (TimelineJson.writeMessage(fast, line)) {
            fast.writeTo(buf);
          } else {
            TimelineJson.write(g, line);
            g.flush();
          }
          buf.write('\n');
          written++;
          lastSeq = e.seq();
        }
        g.close();
        ioStart = System.nanoTime();
        inIo = true;
        buf.writeTo(out);
        out.flush();
        inIo = false;
        bytes += buf.size();
        synchronized (progress) {
          flushedSeq = lastSeq;
          flushedBytes = bytes;
          lines = written;
          progress.notifyAll();
        }
        if (batch.size() < BATCH && !source.hurry()) {
          // Let events gather instead of taking them one by one.
          Thread.sleep(PAUSE_MILLIS);
        }
      }
    } catch (IOException | RuntimeException e) {
      IOException io = e instanceof IOException x ? x : new IOException(e);
      log.error("timeline file {} failed after seq {}: later events are not written", path, lastSeq, e);
      synchronized (progress) {
        failure = io;
        progress.notifyAll();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      inIo = false;
      stopped = true;
      if (out != null) {
        try {
          out.close();
        } catch (IOException e) {
          log.warn("closing timeline file {} failed", path, e);
        }
      }
      synchronized (progress) {
        done = true;
        progress.notifyAll();
      }
    }
  }

  private OutputStream create(Opener opener) throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } else {
      Files.createFile(path);
    }
    path.toFile().deleteOnExit();
    return opener.open(path);
  }

  private void index(long seq, long offset) {
    synchronized (progress) {
      if (indexSize == indexSeq.length) {
        indexSeq = Arrays.copyOf(indexSeq, indexSize * 2);
        indexOffset = Arrays.copyOf(indexOffset, indexSize * 2);
      }
      indexSeq[indexSize] = seq;
      indexOffset[indexSize] = offset;
      indexSize++;
    }
  }

  private void keepRaw(Event e) {
    int bytes = EventSize.of(e.body());
    raw.put(e.seq(), e);
    rawOrder.addLast(new long[] {e.seq(), bytes});
    rawBytes += bytes;
    while (rawBytes > rawBudget && !rawOrder.isEmpty()) {
      long[] oldest = rawOrder.removeFirst();
      raw.remove(oldest[0]);
      rawBytes -= oldest[1];
    }
  }

  /** An input stream that ends after {@code limit} bytes: the flushed part of the file. */
  private static final class Bounded extends FilterInputStream {
    private long left;

    Bounded(InputStream in, long limit) {
      super(in);
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = super.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }
  }
}
