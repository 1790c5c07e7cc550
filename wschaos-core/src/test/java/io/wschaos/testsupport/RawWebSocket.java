package io.wschaos.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * One end of a WebSocket written on a plain blocking {@link Socket}, with nothing between the test
 * and the wire: it sends and reads frames exactly as given (any opcode, FIN, RSV, masked or not),
 * and tells a TCP reset from a FIN. The client role masks what it sends (RFC 6455 5.3); the server
 * role does not. Every read has a timeout. Not thread-safe: one thread reads, one writes.
 */
public final class RawWebSocket implements Closeable {
  public static final int CONTINUATION = 0x0;
  public static final int TEXT = 0x1;
  public static final int BINARY = 0x2;
  public static final int CLOSE = 0x8;
  public static final int PING = 0x9;
  public static final int PONG = 0xA;

  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** One frame as it was on the wire; {@code payload} is unmasked. */
  public record RawFrame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.UTF_8);
    }

    /** The close code, or -1 when this is not a close frame with a code. */
    public int closeCode() {
      return opcode == CLOSE && payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : -1;
    }

    public String closeReason() {
      return payload.length <= 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "RawFrame[op=" + opcode + " fin=" + fin + " rsv=" + rsv + " masked=" + masked + " len=" + payload.length
          + (opcode == CLOSE ? " code=" + closeCode() + " reason=" + closeReason() : "") + "]";
    }
  }

  /** How the peer ended the TCP connection, and the frames read before it did. */
  public enum EndKind { FIN, RESET }

  public record End(EndKind kind, List<RawFrame> framesBefore, String detail) {}

  /** The request line and headers of an HTTP message (names lower-cased, values in order). */
  public record HttpHead(String startLine, Map<String, List<String>> headers) {
    public String first(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null || v.isEmpty() ? null : v.get(0);
    }

    public List<String> all(String name) {
      return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final boolean clientRole;
  private final Random maskKeys = new Random(42);
  private final HttpHead handshake;

  RawWebSocket(Socket socket, InputStream in, boolean clientRole, HttpHead handshake) throws IOException {
    this.socket = socket;
    this.in = in;
    this.out = socket.getOutputStream();
    this.clientRole = clientRole;
    this.handshake = handshake;
  }

  /** Opens a client connection and completes the opening handshake; fails on anything but a valid 101. */
  public static RawWebSocket connect(int port, String pathAndQuery) throws IOException {
    return connect(port, pathAndQuery, s -> {});
  }

  /**
   * Like {@link #connect(int, String)}, with {@code beforeConnect} to set socket options (a small
   * receive buffer, say) before the TCP handshake.
   */
  public static RawWebSocket connect(int port, String pathAndQuery, Consumer<Socket> beforeConnect) throws IOException {
    Socket s = new Socket();
    beforeConnect.accept(s);
    s.connect(new InetSocketAddress("127.0.0.1", port), (int) DEFAULT_TIMEOUT.toMillis());
    s.setSoTimeout((int) DEFAULT_TIMEOUT.toMillis());
    s.setTcpNoDelay(true);
    byte[] nonce = new byte[16];
    new Random().nextBytes(nonce);
    String key = Base64.getEncoder().encodeToString(nonce);
    String request = "GET " + pathAndQuery + " HTTP/1.1\r\n"
        + "Host: 127.0.0.1:" + port + "\r\n"
        + "Upgrade: websocket\r\n"
        + "Connection: Upgrade\r\n"
        + "Sec-WebSocket-Key: " + key + "\r\n"
        + "Sec-WebSocket-Version: 13\r\n\r\n";
    s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    InputStream in = new BufferedInputStream(s.getInputStream(), 256 * 1024);
    HttpHead response = readHead(in);
    if (!response.startLine().startsWith("HTTP/1.1 101")) {
      s.close();
      throw new IOException("expected 101, got " + response.startLine() + " " + response.headers());
    }
    String accept = response.first("sec-websocket-accept");
    if (!acceptFor(key).equals(accept)) {
      s.close();
      throw new IOException("bad Sec-WebSocket-Accept " + accept + " for key " + key);
    }
    return new RawWebSocket(s, in, true, response);
  }

  /** The 101 response (client role) or the upgrade request (server role). */
  public HttpHead handshake() {
    return handshake;
  }

  public Socket socket() {
    return socket;
  }

  // ---- writing ----

  /** Sends one frame; masked in the client role, as the protocol requires. */
  public void send(int opcode, boolean fin, byte[] payload) throws IOException {
    send(opcode, fin, payload, clientRole);
  }

  /** Sends one frame, masked or not as asked: a client that does not mask breaks the protocol. */
  public void send(int opcode, boolean fin, byte[] payload, boolean mask) throws IOException {
    out.write(encode(opcode, fin, payload, mask));
    out.flush();
  }

  /** Reads exactly {@code n} bytes off the socket, frames or not. */
  public byte[] readRaw(int n) throws IOException {
    return in.readNBytes(n);
  }

  /** Writes {@code bytes} to the socket as they are. */
  public void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  public void sendText(String text) throws IOException {
    send(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A close frame with this code and reason, or, with {@code payload}, exactly those bytes. */
  public void sendClose(int code, String reason) throws IOException {
    send(CLOSE, true, closePayload(code, reason));
  }

  public static byte[] closePayload(int code, String reason) {
    byte[] r = reason.getBytes(StandardCharsets.UTF_8);
    byte[] p = new byte[2 + r.length];
    p[0] = (byte) (code >> 8);
    p[1] = (byte) code;
    System.arraycopy(r, 0, p, 2, r.length);
    return p;
  }

  /** The wire bytes of one frame. */
  public byte[] encode(int opcode, boolean fin, byte[] payload, boolean mask) {
    ByteArrayOutputStream b = new ByteArrayOutputStream(payload.length + 14);
    b.write((fin ? 0x80 : 0) | (opcode & 0x0F));
    int maskBit = mask ? 0x80 : 0;
    if (payload.length < 126) {
      b.write(maskBit | payload.length);
    } else if (payload.length < 65536) {
      b.write(maskBit | 126);
      b.write(payload.length >> 8);
      b.write(payload.length);
    } else {
      b.write(maskBit | 127);
      long n = payload.length;
      for (int i = 7; i >= 0; i--) {
        b.write((int) (n >> (8 * i)));
      }
    }
    if (mask) {
      byte[] key = new byte[4];
      maskKeys.nextBytes(key);
      b.write(key, 0, 4);
      byte[] masked = new byte[payload.length];
      for (int i = 0; i < payload.length; i++) {
        masked[i] = (byte) (payload[i] ^ key[i & 3]);
      }
      b.write(masked, 0, masked.length);
    } else {
      b.write(payload, 0, payload.length);
    }
    return b.toByteArray();
  }

  // ---- reading ----

  /** The next frame, waiting at most the socket's timeout (5 s unless changed). */
  public RawFrame readFrame() throws IOException {
    int b0 = readByte();
    int b1 = readByte();
    boolean masked = (b1 & 0x80) != 0;
    long len = b1 & 0x7F;
    if (len == 126) {
      len = (readByte() << 8) | readByte();
    } else if (len == 127) {
      len = 0;
      for (int i = 0; i < 8; i++) {
        len = (len << 8) | readByte();
      }
    }
    if (len > Integer.MAX_VALUE - 8) {
      throw new IOException("frame too long for a test: " + len);
    }
    byte[] key = masked ? readFully(4) : null;
    byte[] payload = readFully((int) len);
    if (masked) {
      for (int i = 0; i < payload.length; i++) {
        payload[i] ^= key[i & 3];
      }
    }
    return new RawFrame((b0 & 0x80) != 0, (b0 >> 4) & 0x7, b0 & 0x0F, masked, payload);
  }

  /** The next frame within {@code timeout}. */
  public RawFrame readFrame(Duration timeout) throws IOException {
    int old = socket.getSoTimeout();
    socket.setSoTimeout((int) timeout.toMillis());
    try {
      return readFrame();
    } finally {
      socket.setSoTimeout(old);
    }
  }

  /**
   * Reads until the peer ends the TCP connection and says how: a reset ("Connection reset") or a
   * FIN (end of stream). Frames read on the way are returned; fails if neither comes in time.
   */
  public End awaitEnd(Duration timeout) throws IOException {
    List<RawFrame> frames = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new SocketTimeoutException("the peer neither reset nor closed within " + timeout + "; frames: " + frames);
      }
      socket.setSoTimeout((int) left);
      try {
        frames.add(readFrame());
      } catch (EOFException e) {
        return new End(EndKind.FIN, frames, e.getMessage());
      } catch (SocketTimeoutException e) {
        throw new SocketTimeoutException("the peer neither reset nor closed within " + timeout + "; frames: " + frames);
      } catch (SocketException e) {
        if (String.valueOf(e.getMessage()).contains("Connection reset")) {
          return new End(EndKind.RESET, frames, e.getMessage());
        }
        throw e;
      }
    }
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("end of stream (FIN)");
    }
    return b;
  }

  private byte[] readFully(int n) throws IOException {
    byte[] b = new byte[n];
    int off = 0;
    while (off < n) {
      int r = in.read(b, off, n - off);
      if (r < 0) {
        throw new EOFException("end of stream (FIN) after " + off + " of " + n + " payload bytes");
      }
      off += r;
    }
    return b;
  }

  // ---- ending ----

  /** Ends the TCP connection with a reset: SO_LINGER 0, then close. */
  public void reset() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  /**
   * Ends the TCP connection with a FIN and no close frame. The kernel sends a reset instead when
   * received bytes are still unread, so call this only when nothing is in flight toward this end.
   */
  public void closeTcp() throws IOException {
    socket.close();
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing in clean-up
    }
  }

  // ---- HTTP ----

  static HttpHead readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int last4 = 0;
    while (last4 != 0x0D0A0D0A) { // frame bytes after the blank line stay buffered in {@code in}
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed inside the HTTP head: " + b.toString(StandardCharsets.ISO_8859_1));
      }
      b.write(c);
      last4 = (last4 << 8) | c;
    }
    String[] lines = b.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
            .add(lines[i].substring(colon + 1).trim());
      }
    }
    return new HttpHead(lines[0], headers);
  }

  static String acceptFor(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
