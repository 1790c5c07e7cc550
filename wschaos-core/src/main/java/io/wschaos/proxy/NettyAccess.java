package io.wschaos.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket08FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrameEncoder;
import io.wschaos.frame.Opcode;
import java.lang.reflect.Field;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.impl.HttpServerConnection;
import io.vertx.core.internal.http.WebSocketInternal;

/**
 * The one place that reaches below Vert.x's public API, to the Netty pipeline of a connection.
 * Check it on every Vert.x upgrade: these are internal types (verified on 5.0.7, Netty 4.2.9).
 */
final class NettyAccess {
  /**
   * What {@link WebSocket08FrameDecoder} knows of a frame it has begun and not finished: its
   * header is consumed, its payload still in the decoder's buffer. The take-over writes that header
   * back in front of the buffer, so the scanner sees the frame whole.
   */
  private static final Field STATE;
  private static final Field FIN;
  private static final Field RSV;
  private static final Field OPCODE;
  private static final Field MASKED;
  private static final Field LEN1;
  private static final Field LENGTH;
  private static final Field MASK;

  /** The group in which Vert.x's NetClientImpl (package-private) keeps every channel it connected. */
  private static final Field CHANNEL_GROUP;

  static {
    try {
      CHANNEL_GROUP = Class.forName("io.vertx.core.net.impl.NetClientImpl").getField("channelGroup");
      CHANNEL_GROUP.setAccessible(true);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("this Vert.x's NetClient is not the one wschaos was built against", e);
    }
  }

  static {
    try {
      STATE = decoderField("state");
      FIN = decoderField("frameFinalFlag");
      RSV = decoderField("frameRsv");
      OPCODE = decoderField("frameOpcode");
      MASKED = decoderField("frameMasked");
      LEN1 = decoderField("framePayloadLen1");
      LENGTH = decoderField("framePayloadLength");
      MASK = decoderField("mask");
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException("this Netty's WebSocket decoder is not the one wschaos was built against", e);
    }
  }

  private static Field decoderField(String name) throws NoSuchFieldException {
    Field f = WebSocket08FrameDecoder.class.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }

  /** Vert.x names its connection handler this in every HTTP and WebSocket pipeline. */
  static final String VERTX_HANDLER = "handler";

  private NettyAccess() {}

  /** The Vert.x handler's context of the connection that carries {@code request}. */
  static ChannelHandlerContext of(HttpServerRequest request) {
    return ((HttpServerConnection) request.connection()).channelHandlerContext();
  }

  /** Vert.x's signal to its connections that their server is shutting down. */
  static boolean isShutdownEvent(Object evt) {
    return evt instanceof io.vertx.core.net.impl.ShutdownEvent;
  }

  /** An event loop of Vert.x's for timers that belong to no connection (fault triggers). */
  static io.netty.util.concurrent.EventExecutor eventLoop(io.vertx.core.Vertx vertx) {
    return ((io.vertx.core.internal.VertxInternal) vertx).nettyEventLoopGroup().next();
  }

  /** A new context on the next of Vert.x's event loops (round robin), to spread servers over loops. */
  static io.vertx.core.Context newEventLoopContext(io.vertx.core.Vertx vertx) {
    return ((io.vertx.core.internal.VertxInternal) vertx).createEventLoopContext();
  }

  /**
   * A context of its own for one upstream attempt: what Vert.x connects while it is current
   * belongs to it, which is how {@link #closeConnecting} finds a connection Vert.x's API does not
   * hand out before its handshake completes.
   */
  static io.vertx.core.Context attemptContext(io.vertx.core.Vertx vertx) {
    return ((io.vertx.core.internal.ContextInternal) vertx.getOrCreateContext()).duplicate();
  }

  /** Runs {@code action} with {@code ctx} current; the caller must be on ctx's event loop. */
  static <T> T on(io.vertx.core.Context ctx, java.util.function.Supplier<T> action) {
    io.vertx.core.internal.ContextInternal c = (io.vertx.core.internal.ContextInternal) ctx;
    io.vertx.core.internal.ContextInternal prev = c.beginDispatch();
    try {
      return action.get();
    } finally {
      c.endDispatch(prev);
    }
  }

  /**
   * Closes the connection {@code client} opened on {@code ctx} and has not handed out yet (its
   * handshake is under way). Vert.x keeps every channel of the client in one group; taken-over
   * channels have no Vert.x handler left and are skipped.
   *
   * @return whether there was one: none while the TCP connect is still in progress
   */
  static boolean closeConnecting(io.vertx.core.http.WebSocketClient client, io.vertx.core.Context ctx) {
    io.vertx.core.http.WebSocketClient c = client instanceof io.vertx.core.http.impl.CleanableWebSocketClient cc ? cc.delegate : client;
    io.netty.channel.group.ChannelGroup channels;
    try {
      channels = (io.netty.channel.group.ChannelGroup) CHANNEL_GROUP.get(((io.vertx.core.http.impl.HttpClientBase) c).netClient());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read the WebSocket client's channels", e);
    }
    boolean found = false;
    for (io.netty.channel.Channel ch : channels) {
      if (ch.pipeline().get(VERTX_HANDLER) instanceof io.vertx.core.net.impl.VertxHandler<?> h
          && h.getConnection() != null
          && h.getConnection().context() == ctx) {
        ch.close();
        found = true;
      }
    }
    return found;
  }

  /** Set on a connection once its first request head is read (the head watch may come later). */
  private static final io.netty.util.AttributeKey<Boolean> HEAD_READ = io.netty.util.AttributeKey.valueOf("wschaos.headRead");

  /**
   * Closes {@code conn} unless its first request line and headers arrive within {@code millis}
   * (answering 408 when the request line came): Vert.x's HTTP server has no such timeout, and its
   * idle timeout would outlive the upgrade and time links out. The watch is a handler in front of
   * Vert.x's; {@link #headRead} removes it, so nothing of it is left on a link or a forwarded request.
   */
  static void watchHead(io.vertx.core.http.HttpConnection conn, long millis) {
    io.netty.channel.Channel ch = of(conn).channel();
    if (ch.hasAttr(HEAD_READ) || !ch.isActive()) {
      return; // the request came before the connection was handed over
    }
    HeadWatch w = new HeadWatch();
    ch.pipeline().addFirst(HeadWatch.NAME, w);
    w.timer = ch.eventLoop().schedule(w::expire, millis, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  /** The head of {@code request}'s connection is read: its watch stops, on the connection's loop. */
  static void headRead(HttpServerRequest request) {
    io.netty.channel.Channel ch = of(request).channel();
    ch.attr(HEAD_READ).set(Boolean.TRUE);
    HeadWatch w = ch.pipeline().get(HeadWatch.class);
    if (w != null) {
      w.timer.cancel(false);
      ch.pipeline().remove(w);
    }
  }

  private static final class HeadWatch extends io.netty.channel.ChannelInboundHandlerAdapter {
    static final String NAME = "wschaos.headWatch";
    private static final byte[] TIMEOUT =
        "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private ChannelHandlerContext ctx;
    private io.netty.util.concurrent.ScheduledFuture<?> timer;
    private boolean lineSeen;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!lineSeen && msg instanceof ByteBuf b && b.indexOf(b.readerIndex(), b.writerIndex(), (byte) '\n') >= 0) {
        lineSeen = true;
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      timer.cancel(false);
      ctx.fireChannelInactive();
    }

    /** Written from this handler's place, the bytes skip Vert.x's encoder and go to the socket as they are. */
    void expire() {
      if (ctx.isRemoved() || !ctx.channel().isActive()) {
        return;
      }
      if (lineSeen) {
        ctx.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(TIMEOUT)).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
      } else {
        ctx.close();
      }
    }
  }

  /** The Vert.x handler's context of an HTTP connection. */
  static ChannelHandlerContext of(io.vertx.core.http.HttpConnection conn) {
    return ((HttpServerConnection) conn).channelHandlerContext();
  }

  /** The Vert.x handler's context of an open WebSocket. */
  static ChannelHandlerContext of(WebSocket ws) {
    return ((WebSocketInternal) ws).channelHandlerContext();
  }

  /**
   * Takes a WebSocket channel from Vert.x: removes its frame decoder, frame encoder and connection
   * handler (Vert.x's remove hook forgets the connection, so its per-connection objects can go).
   * What the decoder had read of a frame it has not finished goes into {@code prefix}: the header
   * it consumed, re-made from its fields, here; the rest, its buffered bytes, reach {@code leg}'s
   * channelRead as the decoder is removed.
   */
  static void removeVertx(ChannelHandlerContext leg, CompositeByteBuf prefix) {
    ChannelPipeline p = leg.pipeline();
    ChannelHandler decoder = p.get(WebSocketFrameDecoder.class);
    if (decoder instanceof WebSocket08FrameDecoder d) {
      byte[] header = partialHeader(d);
      if (header.length > 0) {
        prefix.addComponent(true, leg.alloc().buffer(header.length).writeBytes(header));
      }
    }
    if (decoder != null) {
      p.remove(decoder);
    }
    ChannelHandler encoder = p.get(WebSocketFrameEncoder.class);
    if (encoder != null) {
      p.remove(encoder);
    }
    if (p.get(VERTX_HANDLER) != null) {
      p.remove(VERTX_HANDLER);
    }
  }

  private static byte[] partialHeader(WebSocket08FrameDecoder d) {
    try {
      String state = ((Enum<?>) STATE.get(d)).name();
      int step =
          switch (state) {
            case "READING_SECOND" -> 1; // the first byte is read
            case "READING_SIZE" -> 2; // and the second
            case "MASKING_KEY" -> 3; // and the extended length
            case "PAYLOAD" -> 4; // and the mask
            default -> 0; // READING_FIRST: between frames; CORRUPT: it failed already
          };
      if (step == 0) {
        return new byte[0];
      }
      ByteBuf h = io.netty.buffer.Unpooled.buffer(14);
      h.writeByte((FIN.getBoolean(d) ? 0x80 : 0) | (RSV.getInt(d) << 4) | OPCODE.getInt(d));
      if (step >= 2) {
        int len1 = LEN1.getInt(d);
        boolean masked = MASKED.getBoolean(d);
        h.writeByte((masked ? 0x80 : 0) | len1);
        if (step >= 3) {
          long length = LENGTH.getLong(d);
          if (len1 == 126) {
            h.writeShort((int) length);
          } else if (len1 == 127) {
            h.writeLong(length);
          }
          if (step >= 4 && masked) {
            h.writeInt(MASK.getInt(d));
          }
        }
      }
      return ByteBufUtil.getBytes(h);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read the WebSocket decoder's state", e);
    }
  }

  /** The wire bytes of a frame Netty decoded before the take-over: masked toward a client leg's scanner. */
  static ByteBuf reencode(ByteBufAllocator alloc, WebSocketFrame f, boolean masked) {
    try {
      Opcode op =
          f instanceof TextWebSocketFrame ? Opcode.TEXT
              : f instanceof BinaryWebSocketFrame ? Opcode.BINARY
              : f instanceof ContinuationWebSocketFrame ? Opcode.CONTINUATION
              : f instanceof PingWebSocketFrame ? Opcode.PING
              : f instanceof PongWebSocketFrame ? Opcode.PONG
              : Opcode.CLOSE;
      return WireFrames.encode(alloc, op, f.isFinalFragment(), ByteBufUtil.getBytes(f.content()), masked);
    } finally {
      f.release();
    }
  }
}
