package io.wschaos.runner;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.function.Supplier;

/** Loopback ports: a free one, whether one is taken, and waiting until one accepts connections. */
final class Ports {
  static final String HOST = "127.0.0.1";

  private Ports() {}

  /** A port the kernel says is free right now (a server command gets it in PORT). */
  static int free() throws EnvironmentException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new EnvironmentException("cannot find a free port on " + HOST + ": " + e.getMessage(), e);
    }
  }

  /** True when something listens on {@code port} or it cannot be bound. */
  static boolean inUse(int port) {
    if (accepts(HOST, port, 200)) {
      return true;
    }
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress(HOST, port));
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  static boolean accepts(String host, int port, int timeoutMillis) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), timeoutMillis);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Waits until {@code host:port} accepts a TCP connection, polling every 50 ms, for at most
   * {@code timeout}.
   *
   * @param gone a reason to stop waiting early (the server process exited), or null to go on
   * @return null when ready, else why not
   */
  static String awaitAccepting(String host, int port, Duration timeout, Supplier<String> gone) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (accepts(host, port, 200)) {
        return null;
      }
      String why = gone.get();
      if (why != null) {
        return why;
      }
      if (System.nanoTime() > deadline) {
        return "timeout";
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    }
  }
}
