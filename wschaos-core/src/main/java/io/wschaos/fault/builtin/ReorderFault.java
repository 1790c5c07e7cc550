package io.wschaos.fault.builtin;

import io.wschaos.spec.Durations;
import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.FrameStage;
import io.wschaos.fault.HoldQueue;
import io.wschaos.spec.ParamException;
import io.wschaos.fault.Scheduler;
import io.wschaos.fault.StageOutput;
import io.wschaos.fault.Unit;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Opcode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Messages out of order: holds {@code window} data messages, then releases them permuted. A window
 * that does not fill within {@code max_hold} of its first message, or that a close catches, leaves
 * permuted as it is; removing the fault lets the held ones go in arrival order. Control frames pass.
 */
public final class ReorderFault implements Fault {
  public enum Order {
    SHUFFLED,
    REVERSED
  }

  /**
   * @param window how many messages are held and permuted together (≥ 2, default 3)
   * @param order shuffled (seeded Fisher–Yates, the default) or reversed
   * @param max_hold the longest a message waits for its window to fill (default 1s)
   */
  public record Params(Direction to, Integer window, Order order, Duration max_hold) {
    public Params {
      ParamException.require(to != null, "to", "reorder needs to: server or client");
      window = window == null ? 3 : window;
      ParamException.require(window >= 2, "window", window + " is not a window: it holds N ≥ 2 messages");
      order = order == null ? Order.SHUFFLED : order;
      max_hold = max_hold == null ? Duration.ofSeconds(1) : max_hold;
      ParamException.require(max_hold.toNanos() / 1000 > 0, "max_hold", "max_hold must be longer than 0, e.g. 1s");
    }
  }

  private final Params p;

  public ReorderFault(Params p) {
    this.p = p;
  }

  @Override
  public Set<Direction> directions() {
    return Set.of(p.to());
  }

  @Override
  public FrameStage stage(Direction direction, FaultContext ctx) {
    return new Stage(ctx, direction);
  }

  private final class Stage implements FrameStage {
    private final FaultContext ctx;
    private final Direction direction;
    private final RandomGenerator random;
    private final HoldQueue<Void> window;
    private Scheduler.Cancellable timer;
    private StageOutput out;

    Stage(FaultContext ctx, Direction direction) {
      this.ctx = ctx;
      this.direction = direction;
      this.random = ctx.random(direction);
      this.window = new HoldQueue<>(ctx, direction);
    }

    @Override
    public void onUnit(Unit unit, StageOutput next) {
      out = next;
      if (unit.opcode() == Opcode.CLOSE) {
        release(); // a close never overtakes what is held
        next.emit(unit);
        return;
      }
      // A trigger's probability decides per window, when its first message arrives.
      if (!unit.isData() || window.isEmpty() && !ctx.chance(direction)) {
        next.emit(unit);
        return;
      }
      window.add(unit, null);
      if (window.size() == 1) {
        timer = ctx.scheduler().schedule(Durations.micros(p.max_hold()), () -> {
          timer = null;
          release();
        });
      }
      if (window.size() >= p.window()) {
        release();
      }
    }

    /** Lets the held messages go, permuted. */
    private void release() {
      cancel();
      List<Unit> held = new ArrayList<>(window.size());
      window.drain(held::add);
      int n = held.size();
      int[] order = permutation(n);
      for (int j = 0; j < n; j++) {
        Unit u = held.get(order[j]);
        ctx.record("reordered", direction, u.id(), "arrived " + (order[j] + 1) + " of " + n + ", left " + (j + 1));
      }
      for (int j = 0; j < n; j++) {
        out.emit(held.get(order[j]));
      }
    }

    /** order[j] = the arrival index of the message that leaves j-th. */
    private int[] permutation(int n) {
      int[] order = new int[n];
      for (int i = 0; i < n; i++) {
        order[i] = p.order() == Order.REVERSED ? n - 1 - i : i;
      }
      if (p.order() == Order.SHUFFLED) {
        for (int i = n - 1; i > 0; i--) {
          int k = random.nextInt(i + 1);
          int t = order[i];
          order[i] = order[k];
          order[k] = t;
        }
      }
      return order;
    }

    @Override
    public void flush(StageOutput next) {
      cancel();
      window.drain(next::emit); // removing a fault lets the held ones go in arrival order
    }

    @Override
    public void discard() {
      cancel();
      window.discard("discarded");
    }

    private void cancel() {
      if (timer != null) {
        timer.cancel();
        timer = null;
      }
    }
  }
}
