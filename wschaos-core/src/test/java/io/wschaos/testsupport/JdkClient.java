package io.wschaos.testsupport;

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
 * A real client under test on the JDK's java.net.http.WebSocket: it connects, reads, and after the
 * server closes its link reconnects after {@code reconnectAfter} — or never, when that is null (the
 * broken client). It stops reconnecting after {@code maxLinks} links. Close it to stop it.
 */
public final class JdkClient implements AutoCloseable {
  private final URI url;
  private final Duration reconnectAfter;
  private final int maxLinks;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "jdk-client-timer");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger links = new AtomicInteger();
  public final AtomicInteger messages = new AtomicInteger();
  private volatile WebSocket current;
  private volatile boolean closed;

  public JdkClient(URI url, Duration reconnectAfter, int maxLinks) {
    this.url = url;
    this.reconnectAfter = reconnectAfter;
    this.maxLinks = maxLinks;
  }

  public JdkClient start() {
    connect();
    return this;
  }

  private void connect() {
    if (closed || links.incrementAndGet() > maxLinks) {
      return;
    }
    http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5)).buildAsync(url, new WebSocket.Listener() {
      @Override
      public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        messages.incrementAndGet();
        ws.request(1);
        return null;
      }

      @Override
      public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").exceptionally(e -> null);
        ended();
        return null;
      }

      @Override
      public void onError(WebSocket ws, Throwable error) {
        ended();
      }
    }).whenComplete((ws, e) -> {
      if (e != null) {
        ended();
      } else {
        current = ws;
      }
    });
  }

  private void ended() {
    if (!closed && reconnectAfter != null) {
      timer.schedule(this::connect, reconnectAfter.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public void close() {
    closed = true;
    WebSocket ws = current;
    if (ws != null) {
      ws.abort();
    }
    timer.shutdownNow();
  }
}
