package io.wschaos.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's upstream: a Vert.x WebSocket server that echoes every data frame as it came
 * (type and FIN kept) on the same link, with backpressure. Control frames are left to Vert.x (it
 * answers pings and echoes closes). Plain HTTP requests get a one-line 200 so a reverse proxy's
 * health check or a curl works.
 *
 * <pre>java -cp wschaos.jar io.wschaos.bench.EchoServer --port 0 --ready-file /tmp/echo.port [--event-loops 2]</pre>
 */
public final class EchoServer {
  /** Frames up to this size pass on every leg of the benchmark (the largest load sends 64 KiB). */
  static final int MAX_FRAME = 16 * 1024 * 1024;

  private final HttpServer server;
  private final AtomicLong links = new AtomicLong();
  private final AtomicLong open = new AtomicLong();

  private EchoServer(HttpServer server) {
    this.server = server;
  }

  /** Starts listening on {@code host:port} (0 picks a free port). */
  public static Future<EchoServer> start(Vertx vertx, String host, int port) {
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(host)
            .setPort(port)
            .setTcpNoDelay(true)
            .setAcceptBacklog(4096)
            .setMaxWebSocketFrameSize(MAX_FRAME)
            .setMaxWebSocketMessageSize(Integer.MAX_VALUE)
            .setPerMessageWebSocketCompressionSupported(false)
            .setPerFrameWebSocketCompressionSupported(false);
    HttpServer server = vertx.createHttpServer(options);
    EchoServer echo = new EchoServer(server);
    server.webSocketHandler(echo::serve);
    server.requestHandler(req -> req.response().putHeader("Content-Type", "text/plain").end("wschaos bench echo\n"));
    return server.listen().map(s -> echo);
  }

  private void serve(ServerWebSocket ws) {
    links.incrementAndGet();
    open.incrementAndGet();
    ws.closeHandler(v -> open.decrementAndGet());
    ws.exceptionHandler(t -> {}); // a peer that resets is normal at the end of a run
    ws.frameHandler(
        f -> {
          if (f.isText() || f.isBinary() || f.isContinuation()) {
            ws.writeFrame(f);
            if (ws.writeQueueFull()) {
              ws.pause();
              ws.drainHandler(v -> ws.resume());
            }
          }
        });
  }

  public int port() {
    return server.actualPort();
  }

  public long linksAccepted() {
    return links.get();
  }

  public long linksOpen() {
    return open.get();
  }

  public Future<Void> close() {
    return server.close();
  }

  public static void main(String[] args) throws Exception {
    String host = "127.0.0.1";
    int port = 0;
    int loops = 2;
    Path ready = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--host" -> host = args[++i];
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--event-loops" -> loops = Integer.parseInt(args[++i]);
        case "--ready-file" -> ready = Path.of(args[++i]);
        default -> {
          System.err.println("usage: EchoServer [--host 127.0.0.1] [--port 0] [--event-loops 2] [--ready-file FILE]");
          System.exit(2);
        }
      }
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops));
    EchoServer echo = start(vertx, host, port).await();
    System.out.println("echo server on ws://" + host + ":" + echo.port() + "/ (" + loops + " event loops)");
    if (ready != null) {
      Path tmp = ready.resolveSibling(ready.getFileName() + ".tmp");
      Files.writeString(tmp, Integer.toString(echo.port()));
      Files.move(tmp, ready, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    echo.close().toCompletionStage().toCompletableFuture().get(3, java.util.concurrent.TimeUnit.SECONDS);
                  } catch (Exception ignored) {
                    // exiting anyway
                  }
                  vertx.close();
                  stopped.countDown();
                }));
    stopped.await();
  }
}
