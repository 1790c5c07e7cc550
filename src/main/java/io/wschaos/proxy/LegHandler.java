package io.wschaos.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayDeque;

/**
 * Sits on one leg's pipeline just before Vert.x's handler and takes every WebSocket frame, control
 * frames included, away from Vert.x: Vert.x would answer pings and echo closes on its own, and the
 * proxy must let the real peers do that. Other messages (the HTTP request before the upgrade) pass.
 * Frames that arrive before the link is wired are held, in order, and replayed on {@link #bind}.
 */
final class LegHandler extends ChannelInboundHandlerAdapter {
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

  /** Drops frames held for a link that will never be wired (the handshake failed). */
  void releaseHeld() {
    if (held != null) {
      held.forEach(WebSocketFrame::release);
      held = null;
    }
  }
}
