package io.wschaos.proxy.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.ReferenceCountUtil;
import io.wschaos.fault.TlsMode;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.function.Consumer;
import javax.net.ssl.SSLException;

/**
 * The TLS end of one accepted connection, put at the socket end of its Netty pipeline before any byte
 * is read, so everything above it (Vert.x's HTTP codec, the link's own frame handling) sees plain
 * text. Per connection it presents the good certificate or a fault's, leaves the client's hello
 * unanswered, or answers it with an alert; a handshake that fails after the client sent its hello is
 * reported once, in words, to {@code onFailure} (on the connection's event loop).
 */
public final class TlsFront {
  /** The name of the handler that terminates TLS (or stands in for it) in the pipeline. */
  public static final String NAME = "wschaos.tls";
  private static final String SEEN = "wschaos.tlsSeen";
  /** A TLS 1.2-framed fatal alert record: handshake_failure (40). */
  private static final byte[] HANDSHAKE_FAILURE = {0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28};

  private TlsFront() {}

  /** Terminates TLS on {@code ch} as {@code mode} says (null: the good certificate). */
  public static void install(Channel ch, ServerTls tls, TlsMode mode, Consumer<String> onFailure) {
    if (mode == TlsMode.HANDSHAKE_STALL) {
      ch.pipeline().addFirst(NAME, new Stall(onFailure));
    } else if (mode == TlsMode.ALERT) {
      ch.pipeline().addFirst(NAME, new Alert(onFailure));
    } else {
      SslHandler ssl = tls.context(mode).newHandler(ch.alloc());
      Seen seen = new Seen();
      ch.pipeline().addFirst(NAME, ssl);
      ch.pipeline().addFirst(SEEN, seen);
      ssl.handshakeFuture().addListener(f -> {
        if (!f.isSuccess() && seen.hello) {
          onFailure.accept(describe(f.cause(), mode));
        }
      });
    }
  }

  /** "the client refused an expired certificate: alert certificate_expired". */
  static String describe(Throwable cause, TlsMode mode) {
    String what = mode == null ? "the certificate" : mode.description();
    String msg = cause.getMessage() == null ? "" : cause.getMessage();
    String alert = msg.toLowerCase(Locale.ROOT).startsWith("received fatal alert: ") ? msg.substring("received fatal alert: ".length()) : null;
    if (alert != null) {
      return "the client refused " + what + ": alert " + alert;
    }
    if (cause instanceof ClosedChannelException || msg.contains("closed")) {
      return "the client closed the connection during the handshake (" + what + ")";
    }
    if (cause instanceof io.netty.handler.ssl.NotSslRecordException || cause.getCause() instanceof io.netty.handler.ssl.NotSslRecordException) {
      return "the client spoke plain text to a TLS port (ws:// or http:// instead of wss:// or https://)";
    }
    if (cause instanceof SslHandshakeTimeoutException) {
      return "the handshake timed out (" + what + ")";
    }
    if (cause instanceof SSLException) {
      return "the handshake failed (" + what + "): " + msg;
    }
    return "the handshake failed (" + what + "): " + cause;
  }

  /** Notes that the client sent something (its hello), then steps aside. */
  private static final class Seen extends ChannelInboundHandlerAdapter {
    boolean hello;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      hello = true;
      ctx.pipeline().remove(this);
      ctx.fireChannelRead(msg);
    }
  }

  /** Reads and discards what the client sends; never answers. */
  private static final class Stall extends ChannelInboundHandlerAdapter {
    private final Consumer<String> onFailure;
    private long helloAt;

    Stall(Consumer<String> onFailure) {
      this.onFailure = onFailure;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
      if (helloAt == 0) {
        helloAt = System.nanoTime();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (helloAt != 0) {
        long ms = (System.nanoTime() - helloAt) / 1_000_000;
        onFailure.accept("the client's hello went unanswered; the connection ended after " + String.format(Locale.ROOT, "%.1f s", ms / 1000.0));
      }
      ctx.fireChannelInactive();
    }
  }

  /** Answers the client's first bytes with a fatal handshake_failure alert and closes. */
  private static final class Alert extends ChannelInboundHandlerAdapter {
    private final Consumer<String> onFailure;
    private boolean sent;

    Alert(Consumer<String> onFailure) {
      this.onFailure = onFailure;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ReferenceCountUtil.release(msg);
      if (!sent) {
        sent = true;
        ByteBuf alert = Unpooled.wrappedBuffer(HANDSHAKE_FAILURE);
        ctx.writeAndFlush(alert).addListener(ChannelFutureListener.CLOSE);
        onFailure.accept("the proxy answered the client's hello with a handshake_failure alert");
      }
    }
  }
}
