package io.wschaos.demo;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Text messages assembled from frames with their UTF-8 checked as they arrive (RFC 6455 §8.1):
 * Vert.x decodes text leniently, replacing bad bytes with U+FFFD, so a conforming server must look
 * at the bytes itself. A bad sequence fails at the frame that shows it, even mid-message; a
 * character split across fragments is fine; a message that ends inside a character is bad.
 */
final class TextMessages {
  /** Vert.x's default largest WebSocket message on a server. */
  static final int MAX_BYTES = 256 * 1024;

  private final CharsetDecoder decoder =
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private final Consumer<String> onMessage;
  private final Consumer<String> onInvalid;
  private Buffer message; // null outside a text message
  private int checkedUpTo;

  /**
   * @param onMessage a whole, valid text message
   * @param onInvalid the text was not UTF-8 (close with 1007)
   */
  TextMessages(Consumer<String> onMessage, Consumer<String> onInvalid) {
    this.onMessage = onMessage;
    this.onInvalid = onInvalid;
  }

  void onFrame(WebSocketFrame f) {
    if (f.isText()) {
      message = Buffer.buffer();
      checkedUpTo = 0;
    } else if (!f.isContinuation() || message == null) {
      return; // binary messages and control frames are not ours
    }
    message.appendBuffer(f.binaryData());
    if (message.length() > MAX_BYTES) {
      message = null; // dropped without an echo, the connection stays open (docs/feed-protocol.md)
      return;
    }
    if (!check(f.isFinal())) {
      message = null;
      onInvalid.accept("invalid UTF-8 in a text message");
      return;
    }
    if (f.isFinal()) {
      String text = message.toString(StandardCharsets.UTF_8);
      message = null;
      onMessage.accept(text);
    }
  }

  /** Decodes the bytes not checked yet; a trailing part of a character waits for the next frame. */
  private boolean check(boolean last) {
    ByteBuffer in = ByteBuffer.wrap(message.getBytes(checkedUpTo, message.length()));
    CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
    decoder.reset();
    CoderResult r = decoder.decode(in, out, last);
    if (r.isError()) {
      return false;
    }
    checkedUpTo += in.position();
    return !last || checkedUpTo == message.length();
  }
}
