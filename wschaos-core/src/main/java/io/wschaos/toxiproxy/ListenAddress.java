package io.wschaos.toxiproxy;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A proxy's {@code listen}, read as Go's {@code net.Listen("tcp", …)} reads it: {@code host:port},
 * {@code [v6]:port} or {@code :port} (every interface); port 0 picks a free one. Errors carry Go's
 * wording and come out as 500, as Toxiproxy's do.
 */
record ListenAddress(String host, int port) {
  static ListenAddress parse(String listen) {
    if (listen.isEmpty()) {
      return new ListenAddress("", 0);
    }
    int colon = listen.lastIndexOf(':');
    if (colon < 0) {
      throw ToxiError.internal("listen tcp: address " + listen + ": missing port in address");
    }
    String host = listen.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw ToxiError.internal("listen tcp: address " + listen + ": too many colons in address");
    }
    String p = listen.substring(colon + 1);
    int port;
    try {
      port = p.isEmpty() ? 0 : Integer.parseInt(p);
    } catch (NumberFormatException e) {
      throw ToxiError.internal("listen tcp: lookup tcp/" + p + ": unknown port");
    }
    if (port < 0 || port > 65535) {
      throw ToxiError.internal("listen tcp: address " + p + ": invalid port");
    }
    return new ListenAddress(host, port);
  }

  boolean everyInterface() {
    return host.isEmpty() || host.equals("0.0.0.0") || host.equals("::");
  }

  /** The address to bind. */
  String bindHost() {
    return everyInterface() ? "0.0.0.0" : host;
  }

  /** What Toxiproxy shows once bound: the listener's address, {@code [::]:port} for every interface. */
  String shown(int boundPort) {
    if (everyInterface()) {
      return "[::]:" + boundPort;
    }
    return ip() + ":" + boundPort;
  }

  /** Go's ResolveTCPAddr(…).String(), to tell whether an update moves the proxy. */
  String resolved() {
    if (everyInterface()) {
      return (host.isEmpty() ? "" : host.equals("::") ? "[::]" : host) + ":" + port;
    }
    return ip() + ":" + port;
  }

  private String ip() {
    try {
      InetAddress a = InetAddress.getByName(host);
      String ip = a.getHostAddress();
      return ip.contains(":") ? "[" + ip + "]" : ip;
    } catch (UnknownHostException e) {
      throw ToxiError.internal("listen tcp: lookup " + host + ": no such host");
    }
  }
}
