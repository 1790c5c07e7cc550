package io.wschaos.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.wschaos.frame.Frame;
import io.wschaos.frame.Opcode;

/** A Netty frame seen through the transport-free {@link Frame} port; the bytes stay Netty's. */
final class NettyFrame implements Frame {
  private final WebSocketFrame frame;

  NettyFrame(WebSocketFrame frame) {
    this.frame = frame;
  }

  WebSocketFrame netty() {
    return frame;
  }

  @Override
  public Opcode opcode() {
    return opcodeOf(frame);
  }

  @Override
  public boolean fin() {
    return frame.isFinalFragment();
  }

  @Override
  public int size() {
    return frame.content().readableBytes();
  }

  @Override
  public byte[] payload() {
    return ByteBufUtil.getBytes(frame.content());
  }

  static Opcode opcodeOf(WebSocketFrame f) {
    if (f instanceof TextWebSocketFrame) {
      return Opcode.TEXT;
    } else if (f instanceof BinaryWebSocketFrame) {
      return Opcode.BINARY;
    } else if (f instanceof ContinuationWebSocketFrame) {
      return Opcode.CONTINUATION;
    } else if (f instanceof PingWebSocketFrame) {
      return Opcode.PING;
    } else if (f instanceof PongWebSocketFrame) {
      return Opcode.PONG;
    }
    return Opcode.CLOSE;
  }

  /** The Netty frame for any {@link Frame}: the original when it is one, else a new one. */
  static WebSocketFrame toNetty(Frame f) {
    if (f instanceof NettyFrame nf) {
      return nf.frame;
    }
    ByteBuf content = Unpooled.wrappedBuffer(f.payload());
    return switch (f.opcode()) {
      case TEXT -> new TextWebSocketFrame(f.fin(), 0, content);
      case BINARY -> new BinaryWebSocketFrame(f.fin(), 0, content);
      case CONTINUATION -> new ContinuationWebSocketFrame(f.fin(), 0, content);
      case PING -> new PingWebSocketFrame(content);
      case PONG -> new PongWebSocketFrame(content);
      case CLOSE -> new CloseWebSocketFrame(true, 0, content);
    };
  }
}
