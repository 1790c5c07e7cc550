package io.wschaos.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * One leg's handler. Until the link is wired it sits just before Vert.x's handler and takes every
 * decoded WebSocket frame, control frames included, away from Vert.x (Vert.x would answer pings
 * and echo closes on its own; the proxy lets the real peers do that), holding them in order.
 *
 * <p>{@link #takeOver} then removes Vert.x's WebSocket decoder, encoder and connection handler
 * from the channel, and from there on this handler reads bytes: a {@link FrameScanner} finds the
 * frames and the link forwards their original bytes. Frames held or decoded before the switch go
 * first, re-encoded, then whatever the decoder had half read, byte for byte.
 *
 * <p>Once the link owns the channel, Vert.x is cut off the other way too: whatever Vert.x writes
 * or closes stops here. The link writes from this handler's context, so its own writes never pass
 * through these methods.
 */
final class LegHandler extends ChannelDuplexHandler implements FrameScanner.Sink {
  static final String NAME = "wschaos-leg";

  private Link link;
  private Link.Side side;
  private ChannelHandlerContext ctx;
  private ArrayDeque<WebSocketFrame> held;
  private Throwable heldFailure;
  private boolean heldInactive;
  private FrameScanner scanner;
  /** Bytes of the switch-over (re-encoded early frames, the decoder's half-read frame), until {@link #start}. */
  private CompositeByteBuf prefix;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  ChannelHandlerContext context() {
    return ctx;
  }

  /**
   * Wires this leg to its link and takes the channel from Vert.x; runs on the channel's event
   * loop. Nothing reaches the link until {@link #start}, so both legs can be taken over first.
   *
   * @param clientLeg true for the client's leg, whose peer masks its frames
   */
  void takeOver(Link link, Link.Side side, boolean clientLeg, int maxFrameBytes) {
    this.link = link;
    this.side = side;
    this.scanner = new FrameScanner(clientLeg, maxFrameBytes);
    prefix = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
    if (held != null) {
      WebSocketFrame f;
      while ((f = held.poll()) != null) {
        prefix.addComponent(true, NettyAccess.reencode(ctx.alloc(), f, clientLeg));
      }
      held = null;
    }
    NettyAccess.removeVertx(ctx, prefix); // the decoder's leftover bytes arrive in channelRead meanwhile
  }

  /** Relays what came in during the switch-over, then reads bytes. */
  void start() {
    link.resumeReading(side); // Vert.x's own flow control may have left auto-read off
    CompositeByteBuf early = prefix;
    prefix = null;
    if (early.isReadable()) {
      scanner.feed(ctx.alloc(), early, this);
      link.onReadComplete(side);
    } else {
      early.release();
    }
    if (heldFailure != null) {
      link.onException(side, heldFailure);
    }
    if (heldInactive) {
      scanner.release();
      link.onInactive(side);
    }
  }

  /** A frame that reached Vert.x before this handler was in place; it goes ahead of held ones. */
  void holdFirst(WebSocketFrame frame) {
    if (held == null) {
      held = new ArrayDeque<>();
    }
    held.addFirst(frame);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (prefix != null && msg instanceof ByteBuf bytes) {
      prefix.addComponent(true, bytes);
    } else if (scanner != null && msg instanceof ByteBuf bytes) {
      scanner.feed(ctx.alloc(), bytes, this);
    } else if (!(msg instanceof WebSocketFrame frame)) {
      ctx.fireChannelRead(msg); // the HTTP request before the upgrade
    } else {
      if (held == null) {
        held = new ArrayDeque<>();
      }
      held.add(frame);
    }
  }

  @Override
  public void frame(int opcode, boolean fin, int headerLength, int payloadLength, io.netty.buffer.ByteBuf wire) {
    link.onFrame(side, opcode, fin, headerLength, payloadLength, wire);
  }

  @Override
  public void violation(int code, String why) {
    link.onViolation(side, code, why);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (link == null) {
      ctx.fireChannelReadComplete();
    } else if (prefix == null) {
      link.onReadComplete(side);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (link != null) {
      link.onWritabilityChanged(side);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (link != null && prefix == null) {
      scanner.release();
      link.onInactive(side);
    } else {
      heldInactive = true;
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (link != null && prefix == null) {
      link.onException(side, cause);
    } else if (held != null || heldInactive || link != null) {
      heldFailure = cause;
    } else {
      ctx.fireExceptionCaught(cause);
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (link == null) {
      ctx.write(msg, promise);
    } else {
      ReferenceCountUtil.release(msg);
      promise.trySuccess();
    }
  }

  @Override
  public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
    if (link == null) {
      ctx.close(promise);
    } else {
      promise.tryFailure(new IllegalStateException("this connection belongs to a wschaos link"));
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (link == null || !NettyAccess.isShutdownEvent(evt)) {
      ctx.fireUserEventTriggered(evt); // Vert.x's server shutting down is no business of a live link
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (scanner != null) {
      scanner.release();
    }
    if (prefix != null) {
      prefix.release();
      prefix = null;
    }
  }

  /** Drops frames held for a link that will never be wired (the handshake failed). */
  void releaseHeld() {
    if (held != null) {
      held.forEach(WebSocketFrame::release);
      held = null;
    }
  }
}
