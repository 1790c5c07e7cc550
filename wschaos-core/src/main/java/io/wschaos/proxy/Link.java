package io.wschaos.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.util.concurrent.ScheduledFuture;
import io.wschaos.fault.Scheduler;
import io.wschaos.fault.Unit;
import io.wschaos.frame.BytesFrame;
import io.wschaos.frame.CloseStatus;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Frame;
import io.wschaos.frame.Leg;
import io.wschaos.frame.Opcode;
import io.wschaos.pipeline.DirectionPipeline;
import io.wschaos.pipeline.FaultEngine;
import io.wschaos.pipeline.LinkHandle;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.io.IOException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One proxied connection: the client's socket and the proxy's upstream socket, both on one event
 * loop. The link pumps frames between them through a pipeline per direction, records what crosses
 * on the timeline, and owns the close state machine: close frames are relayed, never answered by
 * the proxy; the proxy closes the client's TCP once the client leg's close handshake is complete
 * (it is the server there) and waits for the server to close the upstream TCP (it is the client
 * there). A leg that dies without completing its handshake takes the other down the same way
 * (RST for RST, FIN for FIN).
 *
 * <p>Every method runs on the link's event loop; no locking.
 */
final class Link implements LinkHandle {
  /** Bytes of a text message kept as its preview at level preview. */
  static final int PREVIEW_BYTES = 256;
  /** How long the proxy waits for an echo or a TCP close that the peer owes, before it gives up. */
  static final long CLOSING_TIMEOUT_MS = 30_000;
  /** What fault stages may hold per direction before the source leg is paused (never dropped). */
  static final long HOLD_BOUND_BYTES = 8L * 1024 * 1024;
  private static final int OP_TEXT = 0x1;
  private static final int OP_BINARY = 0x2;
  private static final int OP_CLOSE = 0x8;
  private static final int OP_PING = 0x9;

  /** One of the two legs, with its share of the state. */
  final class Side {
    final Leg leg;
    final Direction ingress;
    final ChannelHandlerContext ctx;
    boolean closeSent;
    boolean closeReceived;
    boolean inactive;
    boolean resetSeen;
    boolean endedByProxy;
    boolean needsFlush;
    boolean readPaused;
    boolean holdPaused;
    long held;
    int holdBackClaims;
    // a message being assembled into a unit for the fault pipeline
    List<Frame> unitFrames;
    boolean rawMessage;
    /** Ids of messages toward this leg that a fault touched, and copies already out, for egress events. */
    java.util.Map<Long, Integer> touched;
    Leg pendingMirror;
    boolean pendingMirrorReset;
    ScheduledFuture<?> closingTimer;
    // ingress counters and the message being assembled
    long messages;
    long bytes;
    long messageId;
    boolean inMessage;
    String messageOpcode;
    long messageSize;
    int messageFrames;
    String preview;
    boolean previewTruncated;

    Side(Leg leg, ChannelHandlerContext ctx) {
      this.leg = leg;
      this.ingress = leg == Leg.CLIENT ? Direction.TO_SERVER : Direction.TO_CLIENT;
      this.ctx = ctx;
    }

    Side other() {
      return this == clientSide ? serverSide : clientSide;
    }

    boolean handshakeDone() {
      return closeSent && closeReceived;
    }

    long queuedBytes() {
      ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
      return out == null ? 0 : out.totalPendingWriteBytes();
    }
  }

  private final int id;
  private final int client;
  private final Timeline timeline;
  private final Level level;
  private final Side clientSide;
  private final Side serverSide;
  private final DirectionPipeline toServer;
  private final DirectionPipeline toClient;
  private final FaultEngine engine;
  private final int ordinal;
  private final Consumer<Link> onEnd;
  private final long openedAt;
  private final Scheduler scheduler;
  private boolean ended;
  private boolean inRead;
  private long lastFrameNanos = System.nanoTime();
  private long lastDataNanos = lastFrameNanos;
  private volatile String target = "";

  Link(
      int id,
      int client,
      Timeline timeline,
      LegHandler clientLeg,
      LegHandler serverLeg,
      FaultEngine engine,
      int ordinal,
      Consumer<Link> onEnd) {
    this.id = id;
    this.client = client;
    this.timeline = timeline;
    this.level = timeline.level();
    this.clientSide = new Side(Leg.CLIENT, clientLeg.context());
    this.serverSide = new Side(Leg.SERVER, serverLeg.context());
    this.engine = engine;
    this.ordinal = ordinal;
    this.onEnd = onEnd;
    this.openedAt = timeline.now();
    this.toServer = new DirectionPipeline(Direction.TO_SERVER, u -> egress(serverSide, u), this::onPipelineChanged);
    this.toClient = new DirectionPipeline(Direction.TO_CLIENT, u -> egress(clientSide, u), this::onPipelineChanged);
    this.scheduler = new LoopScheduler(clientSide.ctx.executor(), timeline);
  }

  @Override
  public int id() {
    return id;
  }

  @Override
  public int client() {
    return client;
  }

  @Override
  public int ordinal() {
    return ordinal;
  }

  @Override
  public boolean isOpen() {
    return !ended && !clientSide.inactive && !serverSide.inactive;
  }

  @Override
  public boolean ended() {
    return ended;
  }

  @Override
  public Scheduler scheduler() {
    return scheduler;
  }

  @Override
  public void execute(Runnable task) {
    if (clientSide.ctx.executor().inEventLoop()) {
      task.run();
    } else {
      clientSide.ctx.executor().execute(task);
    }
  }

  long openedAt() {
    return openedAt;
  }

  /** The request target the client asked for: path and raw query, as received. */
  void target(String pathAndQuery) {
    this.target = pathAndQuery == null ? "" : pathAndQuery;
  }

  String target() {
    return target;
  }

  /** Bytes fault stages hold in direction {@code d}, counted against the holding bound. */
  long heldBytes(Direction d) {
    return (d == Direction.TO_SERVER ? clientSide : serverSide).held;
  }

  @Override
  public DirectionPipeline pipeline(Direction d) {
    return d == Direction.TO_SERVER ? toServer : toClient;
  }

  /** Bytes written toward {@code leg} and not yet taken by its socket. */
  long queuedBytes(Leg leg) {
    return (leg == Leg.CLIENT ? clientSide : serverSide).queuedBytes();
  }

  long messagesIn(Direction d) {
    return (d == Direction.TO_SERVER ? clientSide : serverSide).messages;
  }

  long bytesIn(Direction d) {
    return (d == Direction.TO_SERVER ? clientSide : serverSide).bytes;
  }

  Side side(Leg leg) {
    return leg == Leg.CLIENT ? clientSide : serverSide;
  }

  // ---- events from the legs ----

  /**
   * One frame as it came off {@code from}'s socket: {@code wire} is its header and payload, the
   * payload masked if the client masked it. Passed through, those bytes go out as they are.
   */
  void onFrame(Side from, int opcode, boolean fin, int headerLength, int size, ByteBuf wire) {
    long now = System.nanoTime();
    lastFrameNanos = now;
    inRead = true;
    try {
      if (opcode == OP_CLOSE) {
        onCloseFrame(from, headerLength, wire);
        return;
      }
      from.bytes += size;
      DirectionPipeline pipeline = pipeline(from.ingress);
      Side to = from.other();
      if (opcode >= OP_CLOSE) {
        if (level.recordsMessages()) {
          record(new EventBody.ControlFrame(from.ingress, opcode == OP_PING ? "ping" : "pong", size));
        }
        if (pipeline.isPassThrough()) {
          forward(to, wire);
        } else {
          pipeline.push(Unit.of(from.ingress, copy(opcode, fin, headerLength, wire), 0, timeline.now()));
        }
        return;
      }
      lastDataNanos = now;
      if (!from.inMessage) {
        // A message goes through faults whole, or not at all: decided at its first frame.
        from.rawMessage = pipeline.isPassThrough();
      }
      recordData(from, opcode, fin, headerLength, size, wire);
      if (from.rawMessage) {
        forward(to, wire);
        return;
      }
      if (from.unitFrames == null) {
        from.unitFrames = new ArrayList<>(1);
      }
      boolean last = fin;
      from.unitFrames.add(copy(opcode, fin, headerLength, wire));
      if (last) {
        List<Frame> frames = from.unitFrames;
        from.unitFrames = null;
        pipeline.push(new Unit(from.ingress, frames, from.messageId, timeline.now()));
      }
    } finally {
      inRead = false;
    }
  }

  /** The fault pipeline works on bytes it owns, unmasked: faults may hold, copy or drop them freely. */
  private static Frame copy(int opcode, boolean fin, int headerLength, ByteBuf wire) {
    try {
      return new BytesFrame(WireFrames.opcode(opcode), fin, WireFrames.payload(wire, headerLength));
    } finally {
      wire.release();
    }
  }

  private void forward(Side to, ByteBuf wire) {
    if (to.inactive || to.closeSent) {
      wire.release(); // nothing may follow a close frame on that leg
    } else {
      write(to, wire);
    }
  }

  /** A frame the proxy makes for {@code to}: masked toward the server, as a client must. */
  private ByteBuf encode(Side to, Opcode opcode, boolean fin, byte[] payload) {
    return WireFrames.encode(to.ctx.alloc(), opcode, fin, payload, to.leg == Leg.SERVER);
  }

  private ByteBuf closeFrame(Side to, int code, String reason) {
    return WireFrames.close(to.ctx.alloc(), code, reason, to.leg == Leg.SERVER);
  }

  /** The end of a direction's chain: what the faults let through goes to {@code to}'s socket. */
  private void egress(Side to, Unit unit) {
    if (to.touched != null && unit.id() > 0 && unit.isData()) {
      Integer copies = to.touched.get(unit.id());
      if (copies != null) {
        to.touched.put(unit.id(), copies + 1);
        record(new EventBody.Egress(unit.direction(), unit.id(), copies));
      }
    }
    for (Frame f : unit.frames()) {
      if (f.opcode() == Opcode.CLOSE) {
        if (!to.inactive && !to.closeSent) {
          to.closeSent = true;
          write(to, encode(to, Opcode.CLOSE, true, f.payload()));
          flush(to);
          closeWritten(to);
          maybeFinish(to);
        }
      } else if (!to.inactive && !to.closeSent) {
        write(to, encode(to, f.opcode(), f.fin(), f.payload()));
      }
    }
    if (!inRead && to.needsFlush) {
      flush(to); // released by a timer, not during a read: nobody else will flush
    }
  }

  /**
   * A relayed close reached the client's socket: recorded as egress of message 0, since a fault
   * may have held it behind queued messages, and the link ends for the client when it is written.
   */
  private void closeWritten(Side to) {
    if (to.leg == Leg.CLIENT) {
      record(new EventBody.Egress(Direction.TO_CLIENT, 0, 0));
    }
  }

  private void recordData(Side from, int opcode, boolean fin, int headerLength, int size, ByteBuf wire) {
    if (!from.inMessage) {
      from.inMessage = true;
      from.messageOpcode = opcode == OP_TEXT ? "text" : opcode == OP_BINARY ? "binary" : "continuation";
      from.messageSize = 0;
      from.messageFrames = 0;
      from.preview = null;
      if (level == Level.PREVIEW && opcode == OP_TEXT) {
        int n = Math.min(size, PREVIEW_BYTES);
        int at = wire.readerIndex() + headerLength;
        from.preview = new String(WireFrames.payload(wire, at, n, WireFrames.maskOf(wire, headerLength)), StandardCharsets.UTF_8);
        from.previewTruncated = n < size || !fin;
      }
    }
    from.messageSize += size;
    from.messageFrames++;
    if (fin) {
      from.inMessage = false;
      from.messages++;
      from.messageId++;
      if (level.recordsMessages()) {
        record(
            new EventBody.Message(
                from.ingress,
                from.messageId,
                from.messageOpcode,
                from.messageSize,
                from.messageFrames,
                from.preview,
                from.preview != null && from.previewTruncated));
      }
    }
  }

  private void onCloseFrame(Side from, int headerLength, ByteBuf close) {
    byte[] payload = WireFrames.payload(close, headerLength); // at most 125 bytes
    boolean hasCode = payload.length >= 2;
    record(
        new EventBody.Close(
            from.leg,
            from.leg.wire(),
            hasCode ? (payload[0] & 0xFF) << 8 | payload[1] & 0xFF : null,
            hasCode ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : null,
            null));
    from.closeReceived = true;
    Side to = from.other();
    DirectionPipeline pipeline = pipeline(from.ingress);
    if (!pipeline.isPassThrough()) {
      close.release();
      pipeline.push(Unit.of(from.ingress, new BytesFrame(Opcode.CLOSE, true, payload), 0, timeline.now())); // behind what faults hold
    } else if (!to.inactive && !to.closeSent) {
      to.closeSent = true;
      write(to, close); // the payload travels byte for byte
      flush(to);
      closeWritten(to);
      maybeFinish(to);
    } else {
      close.release();
    }
    maybeFinish(from);
  }

  void onReadComplete(Side from) {
    Side to = from.other();
    if (to.needsFlush) {
      flush(to);
    }
    if (from.needsFlush) {
      flush(from); // a fault answered during the read (a close, an injected message)
    }
  }

  void onWritabilityChanged(Side side) {
    Side source = side.other();
    if (side.ctx.channel().isWritable() && source.readPaused) {
      source.readPaused = false;
      updateAutoRead(source);
    }
  }

  /** After the take-over: the link alone decides whether this leg reads. */
  void resumeReading(Side side) {
    updateAutoRead(side);
  }

  private static void updateAutoRead(Side side) {
    side.ctx.channel().config().setAutoRead(!side.readPaused && !side.holdPaused);
  }

  @Override
  public void held(Direction direction, long delta) {
    Side source = direction == Direction.TO_SERVER ? clientSide : serverSide;
    source.held += delta;
    updateHoldPause(source);
  }

  @Override
  public void touched(Direction direction, long id) {
    Side to = direction == Direction.TO_SERVER ? serverSide : clientSide;
    if (to.touched == null) {
      to.touched = new java.util.LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<Long, Integer> eldest) {
          return size() > 10_000; // bounded: old ids cannot come back
        }
      };
    }
    to.touched.putIfAbsent(id, 0);
  }

  @Override
  public void holdBack(Direction direction, boolean on) {
    Side source = direction == Direction.TO_SERVER ? clientSide : serverSide;
    source.holdBackClaims = Math.max(0, source.holdBackClaims + (on ? 1 : -1));
    updateHoldPause(source);
  }

  /** Past the bound the source pauses; it reads again once held bytes fall to half the bound. */
  private static void updateHoldPause(Side source) {
    boolean pause =
        source.holdBackClaims > 0
            || source.held > HOLD_BOUND_BYTES
            || source.holdPaused && source.held > HOLD_BOUND_BYTES / 2;
    if (pause != source.holdPaused) {
      source.holdPaused = pause;
      updateAutoRead(source);
    }
  }

  /** The scanner refused what {@code from}'s peer sent. */
  void onViolation(Side from, int code, String why) {
    failLeg(from, code, why);
    onReadComplete(from);
  }

  void onException(Side from, Throwable cause) {
    if (cause instanceof CorruptedWebSocketFrameException bad) {
      // Netty's decoder refused what the peer sent before the take-over; with closeOnProtocolViolation off it said nothing.
      int code = bad.closeStatus() != null ? bad.closeStatus().code() : CloseStatus.PROTOCOL_ERROR;
      failLeg(from, code, bad.getMessage());
    } else if (cause instanceof SocketException || isReset(cause)) {
      from.resetSeen = true;
    } else if (!(cause instanceof IOException)) {
      abort(from, false, "proxy", "error: " + cause);
    }
  }

  private static boolean isReset(Throwable t) {
    String m = t.getMessage();
    return t instanceof IOException && m != null && m.contains("reset");
  }

  void onInactive(Side side) {
    if (side.inactive) {
      return;
    }
    side.inactive = true;
    cancelClosingTimer(side);
    if (!side.handshakeDone() && !side.endedByProxy) {
      String mode = side.resetSeen ? "reset" : "fin";
      record(new EventBody.Abort(side.leg, side.leg.wire(), mode, null, null));
      Side other = side.other();
      if (!other.inactive && pipeline(side.ingress).holdsLinkEnd()) {
        // A blackhole lets no abort through while it lasts, nor the close it swallowed (so even a
        // peer that said goodbye leaves the other leg waiting).
        other.pendingMirror = side.leg;
        other.pendingMirrorReset = side.resetSeen;
      } else if (!other.inactive && !side.closeReceived) {
        // A peer that said goodbye (sent its close) and left lets the other leg finish its own handshake.
        abort(other, side.resetSeen, "proxy", "mirrors the " + side.leg.wire() + "'s " + mode);
      }
    }
    if (clientSide.inactive && serverSide.inactive) {
      end();
    }
  }

  /**
   * A fault left the chain: an abort a blackhole held back now goes through, in a later turn of the
   * loop, so that the ending fault acts first (a blackhole's {@code then}) and the mirror only
   * reaches a leg that nothing else ended.
   */
  void onPipelineChanged() {
    if (clientSide.pendingMirror != null || serverSide.pendingMirror != null) {
      clientSide.ctx.executor().execute(this::releaseHeldMirrors);
    }
  }

  private void releaseHeldMirrors() {
    for (Side s : new Side[] {clientSide, serverSide}) {
      if (s.pendingMirror != null && !pipeline(s.other().ingress).holdsLinkEnd()) {
        Leg dead = s.pendingMirror;
        s.pendingMirror = null;
        if (!s.inactive && !s.closeSent) {
          abort(s, s.pendingMirrorReset, "proxy", "mirrors the " + dead.wire() + "'s " + (s.pendingMirrorReset ? "reset" : "fin"));
        }
      }
    }
  }

  // ---- actions ----

  private void write(Side to, ByteBuf frame) {
    to.ctx.write(frame, to.ctx.voidPromise());
    to.needsFlush = true;
    if (!to.ctx.channel().isWritable()) {
      Side source = to.other();
      if (!source.readPaused) {
        source.readPaused = true;
        updateAutoRead(source);
      }
    }
  }

  private void flush(Side to) {
    to.needsFlush = false;
    to.ctx.flush();
  }

  /**
   * After a close frame went both ways on {@code side}: the proxy closes the client's TCP at once,
   * and gives the server a while to close the upstream TCP (the server closes first, RFC 6455 7.1.1).
   */
  private void maybeFinish(Side side) {
    if (side.inactive) {
      return;
    }
    if (side.handshakeDone()) {
      cancelClosingTimer(side);
      if (side.leg == Leg.CLIENT) {
        closeAfterFlush(side);
      } else {
        side.closingTimer = side.ctx.executor().schedule(() -> closeAfterFlush(side), CLOSING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      }
    } else if (side.closeSent && side.closingTimer == null) {
      side.closingTimer =
          side.ctx.executor().schedule(() -> abort(side, false, "proxy", "no close echo within " + CLOSING_TIMEOUT_MS + " ms"), CLOSING_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }
  }

  private void closeAfterFlush(Side side) {
    side.endedByProxy = side.endedByProxy || side.handshakeDone();
    // Close from our own context: channel().close() would pass Vert.x's handler, which writes its own close frame.
    side.ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> side.ctx.close());
  }

  /** The proxy rejects what {@code side}'s peer sent: {@code code} to it, 1001 to the other leg. */
  private void failLeg(Side side, int code, String why) {
    String reason = truncateReason(why);
    side.endedByProxy = true;
    if (!side.closeSent && !side.inactive) {
      side.closeSent = true;
      record(new EventBody.Close(side.leg, "proxy", code, reason, null));
      side.ctx.write(closeFrame(side, code, reason), side.ctx.voidPromise());
      closeAfterFlush(side);
    }
    Side other = side.other();
    if (!other.inactive && !other.closeSent) {
      other.closeSent = true;
      String otherReason = "peer failed: " + code;
      record(new EventBody.Close(other.leg, "proxy", CloseStatus.GOING_AWAY, otherReason, null));
      other.ctx.write(closeFrame(other, CloseStatus.GOING_AWAY, otherReason), other.ctx.voidPromise());
      flush(other);
      maybeFinish(other);
    }
  }

  /** Kills {@code side}'s TCP without a close frame: RST when {@code reset}, else FIN. */
  void abort(Side side, boolean reset, String by, String detail) {
    abort(side, reset, by, null, detail);
  }

  private void abort(Side side, boolean reset, String by, String fault, String detail) {
    if (side.inactive || side.endedByProxy) {
      return;
    }
    side.endedByProxy = true;
    pipeline(side.other().ingress).discardAll(); // what faults held for this leg can no longer arrive
    record(new EventBody.Abort(side.leg, by, reset ? "reset" : "fin", fault, detail));
    if (reset) {
      side.ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
    }
    side.ctx.close();
  }

  // ---- what faults may do (LinkPort) ----

  @Override
  public void close(Leg leg, int code, String reason, String faultId) {
    Side s = side(leg);
    if (s.inactive || s.closeSent) {
      return;
    }
    String r = truncateReason(reason);
    record(new EventBody.Close(leg, "proxy", code, r, faultId));
    byte[] text = r.getBytes(StandardCharsets.UTF_8);
    ByteBuffer payload = ByteBuffer.allocate(2 + text.length).putShort((short) code).put(text);
    Direction toward = leg == Leg.CLIENT ? Direction.TO_CLIENT : Direction.TO_SERVER;
    // Through the chain, so that held messages leave before the close.
    pipeline(toward).push(Unit.of(toward, new BytesFrame(Opcode.CLOSE, true, payload.array()), 0, timeline.now()));
  }

  @Override
  public void abort(Leg leg, boolean reset, String faultId) {
    abort(side(leg), reset, "proxy", faultId, null);
  }

  @Override
  public void inject(Direction direction, Unit unit) {
    egress(direction == Direction.TO_SERVER ? serverSide : clientSide, unit);
  }

  @Override
  public long idleNanos(boolean dataOnly) {
    return System.nanoTime() - (dataOnly ? lastDataNanos : lastFrameNanos);
  }

  /** Closes both legs with {@code code}, as a server shutting down would; used when the proxy stops. */
  void shutdown(int code, String reason) {
    for (Side s : new Side[] {clientSide, serverSide}) {
      if (!s.inactive && !s.closeSent) {
        s.closeSent = true;
        record(new EventBody.Close(s.leg, "proxy", code, reason, null));
        s.ctx.write(closeFrame(s, code, reason), s.ctx.voidPromise());
        s.endedByProxy = true;
        closeAfterFlush(s);
      } else if (!s.inactive) {
        s.endedByProxy = true;
        s.ctx.close();
      }
    }
  }

  private void cancelClosingTimer(Side side) {
    if (side.closingTimer != null) {
      side.closingTimer.cancel(false);
      side.closingTimer = null;
    }
  }

  private void end() {
    if (ended) {
      return;
    }
    ended = true;
    toServer.discardAll();
    toClient.discardAll();
    record(new EventBody.Ended(clientSide.bytes, serverSide.bytes));
    engine.onEnd(this);
    onEnd.accept(this);
  }

  private void record(EventBody body) {
    timeline.record(id, client, body);
  }

  static String truncateReason(String reason) {
    if (reason == null) {
      return "";
    }
    byte[] b = reason.getBytes(StandardCharsets.UTF_8);
    if (b.length <= CloseStatus.MAX_REASON_BYTES) {
      return reason;
    }
    int n = CloseStatus.MAX_REASON_BYTES;
    while (n > 0 && (b[n] & 0xC0) == 0x80) {
      n--; // do not cut a UTF-8 sequence in half
    }
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }
}
