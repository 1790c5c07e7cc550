package io.wschaos.demo;

/**
 * The feed's one server-wide, ordered record of the data messages it produced.
 *
 * <p>Sequence numbers are contiguous: the log holds the last {@link #capacity()} messages
 * {@code oldestSeq() .. nextSeq() - 1}; older ones are forgotten. Every connection reads the same
 * log, so a client that reconnects with {@code ?lastSeq=N} is replayed {@code N+1..} from it.
 *
 * <p>An instance can outlive a {@link FeedServer}: pass it to {@link FeedServer#start(io.vertx.core.Vertx,
 * FeedServer.Options, SequenceLog)} again after a restart in the same JVM. Thread-safe, but only
 * one running server may append to a log at a time.
 */
public final class SequenceLog {
  /** How many messages a log keeps by default. */
  public static final int DEFAULT_CAPACITY = 100_000;

  /** One data message: its sequence number and its production time (epoch ms). */
  public record Entry(long seq, long ts) {
    /** The exact text frame the feed sends for this message, the same on every (re)send. */
    public String toJson() {
      return "{\"type\":\"data\",\"seq\":" + seq + ",\"ts\":" + ts + "}";
    }
  }

  private final long[] timestamps;
  private long next;
  private int size;

  /** An empty log of {@link #DEFAULT_CAPACITY} whose first message will be seq 1. */
  public SequenceLog() {
    this(DEFAULT_CAPACITY, 1);
  }

  /** An empty log keeping the last {@code capacity} messages; the first one gets {@code firstSeq}. */
  public SequenceLog(int capacity, long firstSeq) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    if (firstSeq < 1) {
      throw new IllegalArgumentException("firstSeq must be at least 1, got " + firstSeq);
    }
    this.timestamps = new long[capacity];
    this.next = firstSeq;
  }

  /** Records a new message produced at {@code ts} (epoch ms) and returns it. */
  public synchronized Entry append(long ts) {
    long seq = next++;
    timestamps[slot(seq)] = ts;
    if (size < timestamps.length) {
      size++;
    }
    return new Entry(seq, ts);
  }

  /** The seq the next appended message will get. */
  public synchronized long nextSeq() {
    return next;
  }

  /** The oldest seq still held; equals {@link #nextSeq()} when the log is empty. */
  public synchronized long oldestSeq() {
    return next - size;
  }

  /** The message with this seq, or null when it was never produced or has been forgotten. */
  public synchronized Entry get(long seq) {
    if (seq < next - size || seq >= next) {
      return null;
    }
    return new Entry(seq, timestamps[slot(seq)]);
  }

  /**
   * Moves the head forward so that no seq below {@code nextSeq} is ever produced again (used when a
   * state file says a previous process got that far). Forgets the held messages; a smaller value
   * changes nothing.
   */
  public synchronized void advanceTo(long nextSeq) {
    if (nextSeq > next) {
      next = nextSeq;
      size = 0;
    }
  }

  public int capacity() {
    return timestamps.length;
  }

  private int slot(long seq) {
    return (int) (seq % timestamps.length);
  }
}
