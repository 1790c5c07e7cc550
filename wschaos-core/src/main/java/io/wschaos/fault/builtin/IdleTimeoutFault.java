package io.wschaos.fault.builtin;

import io.wschaos.spec.Durations;
import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.LinkPort;
import io.wschaos.spec.ParamException;
import io.wschaos.fault.Scheduler;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A reverse proxy's read timeout: the link is cut once nothing crossed it (either way) for
 * {@code idle}. One timer per link, armed for the moment the link would become idle and re-armed
 * from the link's real idle time whenever traffic moved that moment; a link with traffic is never
 * cut. The one mechanism behind {@code proxy.idle_timeout} and the {@code nginx_idle_timeout} preset.
 */
public final class IdleTimeoutFault implements Fault {
  public enum Counts {
    /** Data messages and control frames reset the clock. */
    ALL,
    /** Only data messages do (pings alone do not keep the link alive). */
    DATA
  }

  /**
   * @param idle how long without traffic before the cut
   * @param counts what counts as traffic: all (default) or data
   * @param close_with abort fin (the default, like nginx), abort reset, or close CODE
   */
  public record Params(Duration idle, Counts counts, String close_with) {
    public Params {
      ParamException.require(idle != null, "idle", "idle_timeout needs idle, e.g. 60s");
      ParamException.require(!idle.isNegative() && !idle.isZero(), "idle", "idle must be longer than 0");
      counts = counts == null ? Counts.ALL : counts;
      close_with = LinkEnding.parse(close_with == null ? "abort fin" : close_with, "close_with", false).text();
    }
  }

  private final Params p;
  private final LinkEnding cut;
  /** The watch of each link the fault is on, by that link's context (start and stop get the same one). */
  private final Map<FaultContext, Watch> watches = new ConcurrentHashMap<>();

  public IdleTimeoutFault(Params p) {
    this.p = p;
    this.cut = LinkEnding.parse(p.close_with(), "close_with", false);
  }

  @Override
  public void start(LinkPort link, FaultContext ctx) {
    Watch w = new Watch(link, ctx);
    watches.put(ctx, w);
    w.check();
  }

  @Override
  public void stop(LinkPort link, FaultContext ctx) {
    Watch w = watches.remove(ctx);
    if (w != null) {
      w.cancel();
    }
  }

  /** One link's timer; runs on the link's event loop. */
  private final class Watch {
    private final LinkPort link;
    private final FaultContext ctx;
    private final long startedMicros;
    private Scheduler.Cancellable timer;
    private boolean stopped;

    Watch(LinkPort link, FaultContext ctx) {
      this.link = link;
      this.ctx = ctx;
      this.startedMicros = ctx.scheduler().nowMicros();
    }

    /** Idle time counts from the last traffic, or from when the fault started here if later. */
    private long idleMicros() {
      long sinceStart = ctx.scheduler().nowMicros() - startedMicros;
      return Math.min(link.idleNanos(p.counts() == Counts.DATA) / 1000, sinceStart);
    }

    void check() {
      timer = null;
      if (stopped || !link.isOpen()) {
        watches.remove(ctx, this);
        return;
      }
      long bound = Durations.micros(p.idle());
      long idle = idleMicros();
      if (idle < bound) {
        timer = ctx.scheduler().schedule(bound - idle, this::check);
        return;
      }
      watches.remove(ctx, this);
      ctx.record("idle_cut", null, 0, "no " + (p.counts() == Counts.DATA ? "data messages" : "frames") + " for " + idle / 1000 + " ms; " + cut.text());
      cut.apply(link, ctx.faultId(), "idle timeout");
    }

    void cancel() {
      stopped = true;
      if (timer != null) {
        timer.cancel();
        timer = null;
      }
    }
  }
}
