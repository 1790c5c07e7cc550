package io.wschaos.api;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.JsonlWriter;
import io.wschaos.timeline.Redactor;
import io.wschaos.timeline.Timeline;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One reader of {@code /api/events}: a timeline subscriber whose events are written to an HTTP
 * response as Server-Sent Events ({@code id: SEQ} and {@code data: <the JSON line>}).
 *
 * <p>Nothing here can slow a link. The timeline hands events to this stream's own subscriber
 * thread through a bounded queue and never waits for it. That thread writes to the response; when
 * more than {@link ApiOptions#streamBytes()} are written but not yet taken by the reader's socket,
 * it waits for them to drain (it is the only one waiting), so the subscriber queue fills and the
 * timeline replaces what the reader missed with one {@code gap} event.
 */
final class EventStream {
  private static final byte[] HEARTBEAT = ": heartbeat\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final long WAIT_SLICE_MS = 50;

  private final Vertx vertx;
  private final HttpServerResponse response;
  private final Redactor redactor;
  private final long limit;
  private final long heartbeatMs;
  private final Consumer<EventStream> onClose;
  private final AtomicLong pending = new AtomicLong();
  private final Object drained = new Object();
  private volatile boolean closed;
  private volatile Runnable unsubscribe;
  private volatile long heartbeatTimer = -1;

  EventStream(Vertx vertx, HttpServerResponse response, Redactor redactor, ApiOptions options, Consumer<EventStream> onClose) {
    this.vertx = vertx;
    this.response = response;
    this.redactor = redactor;
    this.limit = options.streamBytes();
    this.heartbeatMs = options.heartbeat().toMillis();
    this.onClose = onClose;
  }

  /** On the API's event loop: sends the headers, then subscribes. */
  void start(Timeline timeline) {
    response
        .setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("X-Accel-Buffering", "no");
    response.closeHandler(v -> close());
    response.exceptionHandler(e -> close());
    unsubscribe = timeline.subscribe(this::deliver);
    // The headers and a first comment go out at once, so that the reader knows it is connected and
    // subscribed. (An event the subscriber thread writes first would carry the same headers.)
    write(Buffer.buffer(": wschaos events; each data line is one timeline event (docs/timeline.md)\nretry: 2000\n\n"));
    heartbeatTimer = vertx.setPeriodic(heartbeatMs, id -> {
      if (pending.get() < limit) {
        write(Buffer.buffer(HEARTBEAT));
      }
    });
    if (closed) { // the reader left while we subscribed
      unsubscribe.run();
      vertx.cancelTimer(heartbeatTimer);
    }
  }

  /** On the subscriber's own thread: waits while the reader is behind, then writes one event. */
  private void deliver(Event e) {
    if (!awaitRoom()) {
      return;
    }
    byte[] line = JsonlWriter.line(e, redactor); // the JSON and its newline
    Buffer b = Buffer.buffer(line.length + 32);
    b.appendString("id: ").appendString(Long.toString(e.seq())).appendString("\ndata: ");
    b.appendBytes(line);
    b.appendByte((byte) '\n');
    write(b);
  }

  /** False when the stream closed while waiting. */
  private boolean awaitRoom() {
    synchronized (drained) {
      while (!closed && pending.get() >= limit) {
        try {
          drained.wait(WAIT_SLICE_MS);
        } catch (InterruptedException x) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return !closed;
  }

  private void write(Buffer b) {
    if (closed) {
      return;
    }
    int n = b.length();
    pending.addAndGet(n);
    try {
      response.write(b).onComplete(ar -> {
        if (pending.addAndGet(-n) < limit) {
          synchronized (drained) {
            drained.notifyAll();
          }
        }
        if (ar.failed()) {
          close();
        }
      });
    } catch (IllegalStateException responseClosed) {
      close();
    }
  }

  /** The reader left, or the API is closing: unsubscribe, stop the heartbeat, end the response. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    synchronized (drained) {
      drained.notifyAll();
    }
    Runnable u = unsubscribe;
    if (u != null) {
      u.run();
    }
    if (heartbeatTimer >= 0) {
      vertx.cancelTimer(heartbeatTimer);
    }
    try {
      if (!response.ended() && !response.closed()) {
        response.end();
      }
    } catch (IllegalStateException alreadyClosed) {
      // the reader is gone; nothing to end
    }
    onClose.accept(this);
  }
}
