package io.wschaos.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import java.util.Iterator;
import java.util.LinkedHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client of the feed. Everything here runs on the connection's event loop.
 *
 * <p>A cursor walks the shared {@link SequenceLog}: {@link #pump()} sends from the cursor to the
 * log's head while the socket's write queue has room, so replay after {@code ?lastSeq=N} and live
 * delivery are the same code, and a slow client never makes memory grow beyond the log.
 */
final class FeedConnection {
  /** Unacked messages tracked per connection for resending; past this the oldest are given up. */
  static final int MAX_UNACKED = 10_000;

  /** Messages sent per pump before yielding the event loop (a long replay goes in slices). */
  private static final int PUMP_SLICE = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger(FeedConnection.class);
  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  private record Pending(SequenceLog.Entry entry, long sentAtMs) {}

  private final Vertx vertx;
  private final Context context;
  private final ServerWebSocket ws;
  private final SequenceLog log;
  private final long resendAfterMs;
  private final Runnable onClosed;
  private final LinkedHashMap<Long, Pending> unacked = new LinkedHashMap<>();

  private long cursor;
  private long resendTimer = -1;
  private long expiryTimer = -1;
  private boolean pumpScheduled;
  private boolean readingPaused;
  private boolean closing;
  private boolean closed;

  /**
   * @param firstSeq the seq to send first (replayed if the log holds it, else the oldest it holds)
   * @param resendAfterMs 0 = never resend
   * @param onClosed called once when the socket is gone
   */
  FeedConnection(
      Vertx vertx, ServerWebSocket ws, SequenceLog log, long firstSeq, long resendAfterMs, Runnable onClosed) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.ws = ws;
    this.log = log;
    this.cursor = firstSeq;
    this.resendAfterMs = resendAfterMs;
    this.onClosed = onClosed;
    TextMessages text = new TextMessages(this::onText, why -> closeWith((short) 1007, why));
    ws.frameHandler(text::onFrame);
    ws.binaryMessageHandler(this::onBinary);
    ws.drainHandler(v -> onDrain());
    ws.closeHandler(v -> onClose());
    ws.exceptionHandler(t -> LOG.debug("feed connection {}: {}", ws.remoteAddress(), t.toString()));
  }

  /**
   * Starts the feed on this socket, or closes it at once: 4001 when the token has expired, 4003 when
   * it is forbidden (expiry is checked first).
   *
   * @param claims the token's claims, or null when no token is required
   */
  void start(Tokens.Claims claims) {
    if (claims != null) {
      long left = claims.expiresAt() - System.currentTimeMillis();
      if (left <= 0) {
        closeWith((short) 4001, "token expired");
        return;
      }
      if (claims.forbidden()) {
        closeWith((short) 4003, "forbidden");
        return;
      }
      expiryTimer =
          vertx.setTimer(
              left,
              id -> {
                expiryTimer = -1;
                closeWith((short) 4001, "token expired");
              });
    }
    pump();
  }

  /** Sends what the log holds beyond the cursor, as far as the write queue allows. */
  void pump() {
    if (gone()) {
      return;
    }
    long head = log.nextSeq();
    int sent = 0;
    while (cursor < head && !ws.writeQueueFull()) {
      if (sent == PUMP_SLICE) {
        schedulePump();
        return;
      }
      SequenceLog.Entry entry = log.get(cursor);
      if (entry == null) {
        // forgotten: the client fell further behind than the log reaches; skip to what is left
        long oldest = log.oldestSeq();
        cursor = oldest > cursor ? oldest : head;
        continue;
      }
      send(entry);
      cursor++;
      sent++;
    }
    armResend();
  }

  /** Closes with 1001 because the server is stopping; completes when the socket is closed. */
  Future<Void> shutdown() {
    if (closed) {
      return Future.succeededFuture();
    }
    return closeWith((short) 1001, "server shutting down");
  }

  private void schedulePump() {
    if (!pumpScheduled) {
      pumpScheduled = true;
      context.runOnContext(
          v -> {
            pumpScheduled = false;
            pump();
          });
    }
  }

  private void send(SequenceLog.Entry entry) {
    ws.writeTextMessage(entry.toJson());
    if (resendAfterMs > 0) {
      unacked.remove(entry.seq());
      unacked.put(entry.seq(), new Pending(entry, nowMs()));
      if (unacked.size() > MAX_UNACKED) {
        Iterator<Long> oldest = unacked.keySet().iterator();
        oldest.next();
        oldest.remove();
      }
    }
  }

  /** One timer, for the oldest unacked message: entries are in send order, so it is due first. */
  private void armResend() {
    if (resendTimer != -1 || unacked.isEmpty() || gone()) {
      return;
    }
    Pending head = unacked.values().iterator().next();
    long delay = Math.max(1, head.sentAtMs() + resendAfterMs - nowMs());
    resendTimer =
        vertx.setTimer(
            delay,
            id -> {
              resendTimer = -1;
              resendDue();
            });
  }

  private void resendDue() {
    if (gone()) {
      return;
    }
    long now = nowMs();
    while (!unacked.isEmpty() && !ws.writeQueueFull()) {
      Pending head = unacked.values().iterator().next();
      if (head.sentAtMs() + resendAfterMs > now) {
        break;
      }
      send(head.entry()); // moves it to the back with a new send time
    }
    if (!ws.writeQueueFull()) {
      armResend();
    } // else the drain handler resumes resending
  }

  private void onText(String text) {
    if (gone()) {
      return;
    }
    JsonNode node = parse(text);
    if (node instanceof ObjectNode o && o.path("type").isTextual()) {
      String type = o.get("type").asText();
      JsonNode seq = o.path("seq");
      if ("ack".equals(type) && seq.isIntegralNumber() && seq.canConvertToLong()) {
        unacked.remove(seq.asLong());
        return;
      }
      if ("ping".equals(type)) {
        ObjectNode pong = JSON.createObjectNode().put("type", "pong");
        if (o.has("id")) {
          pong.set("id", o.get("id"));
        }
        write(pong.toString());
        return;
      }
    }
    write(text);
  }

  private void onBinary(Buffer data) {
    if (gone()) {
      return;
    }
    ws.writeBinaryMessage(data);
    afterReply();
  }

  private void write(String text) {
    ws.writeTextMessage(text);
    afterReply();
  }

  /** A client that sends faster than it reads is paused until its replies have drained. */
  private void afterReply() {
    if (!readingPaused && ws.writeQueueFull()) {
      readingPaused = true;
      ws.pause();
    }
  }

  private void onDrain() {
    if (gone()) {
      return;
    }
    if (readingPaused) {
      readingPaused = false;
      ws.resume();
    }
    pump();
    if (resendAfterMs > 0) {
      resendDue();
    }
  }

  private Future<Void> closeWith(short code, String reason) {
    if (closing) {
      return Future.succeededFuture();
    }
    closing = true;
    cancelTimers();
    return ws.close(code, reason).recover(t -> Future.succeededFuture());
  }

  private void onClose() {
    closing = true;
    closed = true;
    cancelTimers();
    unacked.clear();
    onClosed.run();
  }

  private void cancelTimers() {
    if (resendTimer != -1) {
      vertx.cancelTimer(resendTimer);
      resendTimer = -1;
    }
    if (expiryTimer != -1) {
      vertx.cancelTimer(expiryTimer);
      expiryTimer = -1;
    }
  }

  /** True once a close was sent or received: nothing more may be written. */
  private boolean gone() {
    return closing || ws.isClosed();
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static long nowMs() {
    return System.nanoTime() / 1_000_000;
  }
}
