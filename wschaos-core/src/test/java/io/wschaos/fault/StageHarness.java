package io.wschaos.fault;

import io.wschaos.frame.BytesFrame;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Frame;
import io.wschaos.frame.Opcode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Runs one fault's stage on a virtual clock: feed units in, read what came out (with the virtual
 * time it came out) and what the fault recorded. The unit tier of every fault uses it.
 */
public final class StageHarness implements FaultContext {
  /** A unit that left the stage, and when. */
  public record Out(Unit unit, long atMicros) {
    public String text() {
      return unit.text();
    }
  }

  /** A fault event the stage recorded. */
  public record Recorded(String action, Direction direction, long messageId, String detail) {}

  public final VirtualClock clock = new VirtualClock();
  public final List<Out> out = new ArrayList<>();
  public final List<Recorded> recorded = new ArrayList<>();
  private final String faultId;
  private final String faultName;
  private final long seed;
  private final Double probability;
  private SplittableRandom random;
  public long held;
  private long nextId = 1;
  private FrameStage stage;
  private Direction direction;

  public StageHarness(String faultName, long seed, Double probability) {
    this.faultId = "f1";
    this.faultName = faultName;
    this.seed = seed;
    this.probability = probability;
  }

  public StageHarness(String faultName) {
    this(faultName, 42, null);
  }

  /** Creates {@code fault}'s stage for {@code direction}; units fed later go through it. */
  public StageHarness stageOf(Fault fault, Direction direction) {
    this.direction = direction;
    this.stage = fault.stage(direction, this);
    return this;
  }

  public FrameStage stage() {
    return stage;
  }

  /** Feeds a one-frame text message now. */
  public Unit text(String text) {
    return feed(Unit.of(direction, BytesFrame.text(text), nextId++, clock.nowMicros()));
  }

  public Unit binary(byte[] bytes) {
    return feed(Unit.of(direction, BytesFrame.binary(bytes), nextId++, clock.nowMicros()));
  }

  public Unit control(Opcode op, byte[] payload) {
    return feed(Unit.of(direction, new BytesFrame(op, true, payload), 0, clock.nowMicros()));
  }

  public Unit feed(Unit u) {
    stage.onUnit(u, this::emit);
    return u;
  }

  public Unit unit(List<Frame> frames) {
    return new Unit(direction, frames, nextId++, clock.nowMicros());
  }

  private void emit(Unit u) {
    out.add(new Out(u, clock.nowMicros()));
  }

  /** Removes the fault: the stage flushes what it holds. */
  public void remove() {
    stage.flush(this::emit);
  }

  public List<String> texts() {
    return out.stream().map(o -> new String(o.unit().payload(), StandardCharsets.UTF_8)).toList();
  }

  public List<String> actions() {
    return recorded.stream().map(Recorded::action).toList();
  }

  // ---- FaultContext ----

  @Override
  public String faultId() {
    return faultId;
  }

  @Override
  public String faultName() {
    return faultName;
  }

  @Override
  public int link() {
    return 1;
  }

  @Override
  public Scheduler scheduler() {
    return clock;
  }

  @Override
  public RandomGenerator random(Direction d) {
    if (random == null) {
      random = new SplittableRandom(seed);
    }
    return random;
  }

  @Override
  public boolean chance(Direction d) {
    return probability == null || random(d).nextDouble() < probability;
  }

  @Override
  public void record(String action, Direction d, long messageId, String detail) {
    recorded.add(new Recorded(action, d, messageId, detail));
  }

  /** Outstanding hold-back claims (a stall past max_bytes). */
  public int holdBacks;

  @Override
  public void holdBack(Direction d, boolean on) {
    holdBacks += on ? 1 : -1;
  }

  @Override
  public void held(Direction d, long delta) {
    held += delta;
  }
}
