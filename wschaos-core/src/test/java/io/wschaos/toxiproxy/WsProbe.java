package io.wschaos.toxiproxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real WebSocket client (the JDK's) for the tests: what it receives, frame by frame, and how its
 * link ended (its close code and reason; 1006 for a connection that died without a close frame).
 */
final class WsProbe implements AutoCloseable {
  /** One received text frame: its text and whether it was the message's last. */
  record Got(String text, boolean last) {}

  private final BlockingQueue<Got> frames;
  private final CompletableFuture<String> end;
  private final WebSocket ws;

  private WsProbe(BlockingQueue<Got> frames, CompletableFuture<String> end, WebSocket ws) {
    this.frames = frames;
    this.end = end;
    this.ws = ws;
  }

  static WsProbe open(int port) throws Exception {
    BlockingQueue<Got> frames = new LinkedBlockingQueue<>();
    CompletableFuture<String> end = new CompletableFuture<>();
    WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
        .buildAsync(URI.create("ws://127.0.0.1:" + port + "/"), new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            frames.add(new Got(data.toString(), last));
            w.request(1);
            return null;
          }

          @Override
          public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
            end.complete(code + (reason.isEmpty() ? "" : " " + reason));
            return null;
          }

          @Override
          public void onError(WebSocket w, Throwable error) {
            end.complete("1006"); // the connection died: the JDK reports it as an error
          }
        }).get(10, TimeUnit.SECONDS);
    return new WsProbe(frames, end, ws);
  }

  BlockingQueue<Got> received() {
    return frames;
  }

  void send(String text) {
    ws.sendText(text, true).join();
  }

  /** The next whole message (frames joined), or null within {@code ms}. */
  String next(long ms) throws InterruptedException {
    StringBuilder b = new StringBuilder();
    long deadline = System.nanoTime() + ms * 1_000_000;
    while (true) {
      Got g = frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (g == null) {
        return null;
      }
      b.append(g.text());
      if (g.last()) {
        return b.toString();
      }
    }
  }

  /** Sends {@code text} and returns how long its echo took, in ms (fails the test past {@code ms}). */
  long roundTrip(String text, long ms) throws InterruptedException {
    long t0 = System.nanoTime();
    send(text);
    String echo = next(ms);
    if (!text.equals(echo)) {
      throw new AssertionError("expected the echo of '" + text + "' within " + ms + " ms, got " + echo);
    }
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /** How the link ended, within {@code ms}, or null if it is still open. */
  String endedWithin(long ms) {
    try {
      return end.get(ms, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      return null;
    } catch (Exception e) {
      return "1006";
    }
  }

  @Override
  public void close() {
    ws.abort();
  }
}
