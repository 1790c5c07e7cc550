package io.wschaos.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayDeque;

/**
 * Sits on one leg's pipeline just before Vert.x's handler and takes every WebSocket frame, control
 * frames included, away from Vert.x: Vert.x would answer pings and echo closes on its own, and the
 * proxy must let the real peers do that. Other messages (the HTTP request before the upgrade) pass.
 * Frames that arrive before the link is wired are held, in order, and replayed on {@link #bind}.
 *
 * <p>Once the link owns the channel, Vert.x is cut off the other way too: whatever Vert.x's handler
 * writes or closes (its own close frames when its server closes, say) stops here. The link writes
 * from this handler's context, so its own writes never pass through these methods.
 */
final class LegHandler extends ChannelDuplexHandler {
  static final String NAME = "wschaos-leg";

  private Link link;
  private Link.Side side;
  private ChannelHandlerContext ctx;
  private ArrayDeque<WebSocketFrame> held;
  private Throwable heldFailure;
  private boolean heldInactive;

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  ChannelHandlerContext context() {
    return ctx;
  }

  /** Wires this leg to its link; runs on the channel's event loop. */
  void bind(Link link, Link.Side side) {
    this.link = link;
    this.side = side;
    if (held != null) {
      WebSocketFrame f;
      while ((f = held.poll()) != null) {
        link.onFrame(side, f);
      }
      held = null;
      link.onReadComplete(side);
    }
    if (heldFailure != null) {
      link.onException(side, heldFailure);
    }
    if (heldInactive) {
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
    if (!(msg instanceof WebSocketFrame frame)) {
      ctx.fireChannelRead(msg);
    } else if (link != null) {
      link.onFrame(side, frame);
    } else {
      if (held == null) {
        held = new ArrayDeque<>();
      }
      held.add(frame);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (link != null) {
      link.onReadComplete(side);
    }
    ctx.fireChannelReadComplete();
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
    if (link != null) {
      link.onInactive(side);
    } else {
      heldInactive = true;
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (link != null) {
      link.onException(side, cause);
    } else if (held != null || heldInactive) {
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

  /** Drops frames held for a link that will never be wired (the handshake failed). */
  void releaseHeld() {
    if (held != null) {
      held.forEach(WebSocketFrame::release);
      held = null;
    }
  }
}
