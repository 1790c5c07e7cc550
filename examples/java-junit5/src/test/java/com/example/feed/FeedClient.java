package com.example.feed;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client under test: reads the feed with the JDK's java.net.http.WebSocket and, when the server
 * closes the connection, reconnects after {@code reconnectDelay}. With a null delay it never
 * reconnects — the bug wschaos is here to catch.
 */
final class FeedClient implements AutoCloseable {
  private final URI url;
  private final Duration reconnectDelay;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  final AtomicInteger received = new AtomicInteger();
  private volatile WebSocket socket;
  private volatile boolean closed;

  FeedClient(URI url, Duration reconnectDelay) {
    this.url = url;
    this.reconnectDelay = reconnectDelay;
  }

  FeedClient connect() {
    http.newWebSocketBuilder().buildAsync(url, new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        received.incrementAndGet();
        ws.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "");
        lost();
        return null;
      }

      @Override
      public void onError(WebSocket ws, Throwable error) {
        lost();
      }
    }).whenComplete((ws, error) -> {
      if (error != null) {
        lost();
      } else {
        socket = ws;
      }
    });
    return this;
  }

  private void lost() {
    if (!closed && reconnectDelay != null) {
      timer.schedule(this::connect, reconnectDelay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    closed = true;
    timer.shutdownNow();
    WebSocket ws = socket;
    if (ws != null) {
      ws.abort();
    }
  }
}
