package io.wschaos.testsupport;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A WebSocket server on a plain {@link ServerSocket} (127.0.0.1, port 0) that accepts one
 * connection at a time when the test asks, answers the opening handshake with a correct
 * Sec-WebSocket-Accept, and hands back a {@link RawWebSocket} in the server role.
 */
public final class RawWebSocketServer implements Closeable {
  private final ServerSocket listener;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();

  private RawWebSocketServer(ServerSocket listener) {
    this.listener = listener;
  }

  public static RawWebSocketServer start() throws IOException {
    return new RawWebSocketServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Accepts the next connection within {@code timeout}, reads its upgrade request and answers 101. */
  public RawWebSocket accept(Duration timeout) throws IOException {
    return accept(timeout, new byte[0]);
  }

  /** As {@link #accept(Duration)}, with {@code first} (frames, say) in the same write as the 101. */
  public RawWebSocket accept(Duration timeout, byte[] first) throws IOException {
    Socket s = acceptTcp(timeout);
    InputStream in = new BufferedInputStream(s.getInputStream(), 256 * 1024);
    RawWebSocket.HttpHead request = RawWebSocket.readHead(in);
    String key = request.first("sec-websocket-key");
    if (key == null) {
      s.close();
      throw new IOException("not an upgrade request: " + request);
    }
    String response = "HTTP/1.1 101 Switching Protocols\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Accept: " + RawWebSocket.acceptFor(key) + "\r\n\r\n";
    byte[] head = response.getBytes(StandardCharsets.US_ASCII);
    byte[] all = java.util.Arrays.copyOf(head, head.length + first.length);
    System.arraycopy(first, 0, all, head.length, first.length);
    s.getOutputStream().write(all);
    s.getOutputStream().flush();
    return new RawWebSocket(s, in, false, request);
  }

  /**
   * Accepts the next connection, reads its request and refuses it with {@code status}, the given
   * extra header lines ("Name: value") and {@code body}, then closes it. Returns the request.
   */
  public RawWebSocket.HttpHead reject(Duration timeout, int status, String body, String... headerLines) throws IOException {
    try (Socket s = acceptTcp(timeout)) {
      RawWebSocket.HttpHead request = RawWebSocket.readHead(new BufferedInputStream(s.getInputStream()));
      byte[] b = body.getBytes(StandardCharsets.UTF_8);
      StringBuilder response = new StringBuilder("HTTP/1.1 " + status + " Refused\r\n");
      for (String h : headerLines) {
        response.append(h).append("\r\n");
      }
      response.append("Content-Length: ").append(b.length).append("\r\nConnection: close\r\n\r\n");
      s.getOutputStream().write(response.toString().getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().write(b);
      s.getOutputStream().flush();
      return request;
    }
  }

  /** Accepts the next TCP connection within {@code timeout} and does nothing else with it. */
  public Socket acceptTcp(Duration timeout) throws IOException {
    listener.setSoTimeout((int) timeout.toMillis());
    Socket s = listener.accept();
    s.setSoTimeout((int) Duration.ofSeconds(5).toMillis());
    s.setTcpNoDelay(true);
    accepted.add(s);
    return s;
  }

  /** Stops listening and closes every connection it accepted. */
  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException ignored) {
      // clean-up
    }
    for (Socket s : accepted) {
      try {
        s.close();
      } catch (IOException ignored) {
        // clean-up
      }
    }
  }
}
