package io.wschaos.pipeline;

import io.wschaos.fault.Scheduler;
import io.wschaos.fault.Unit;
import io.wschaos.frame.BytesFrame;
import io.wschaos.frame.Direction;
import io.wschaos.frame.Leg;
import java.util.ArrayList;
import java.util.List;

/** A link for engine tests: units pushed in come out in {@link #delivered}; actions are logged. */
class FakeLink implements LinkHandle {
  final int id;
  final int client;
  final int ordinal;
  final Scheduler scheduler;
  final List<String> delivered = new ArrayList<>();
  final List<String> actions = new ArrayList<>();
  private final DirectionPipeline toServer;
  private final DirectionPipeline toClient;
  boolean open = true;
  long held;
  private long nextId = 1;

  FakeLink(int id, int client, int ordinal, Scheduler scheduler) {
    this.id = id;
    this.client = client;
    this.ordinal = ordinal;
    this.scheduler = scheduler;
    this.toServer = new DirectionPipeline(Direction.TO_SERVER, u -> delivered.add("server:" + u.text()));
    this.toClient = new DirectionPipeline(Direction.TO_CLIENT, u -> delivered.add("client:" + u.text()));
  }

  void send(Direction d, String text) {
    pipeline(d).push(Unit.of(d, BytesFrame.text(text), nextId++, scheduler.nowMicros()));
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
    return open;
  }

  @Override
  public void close(Leg leg, int code, String reason, String faultId) {
    actions.add("close " + leg.wire() + " " + code + " " + faultId);
  }

  @Override
  public void abort(Leg leg, boolean reset, String faultId) {
    actions.add("abort " + leg.wire() + " " + (reset ? "reset" : "fin") + " " + faultId);
  }

  @Override
  public void inject(Direction direction, Unit unit) {
    delivered.add(direction.wire() + ":" + unit.text());
  }

  @Override
  public long idleNanos(boolean dataOnly) {
    return 0;
  }

  @Override
  public DirectionPipeline pipeline(Direction d) {
    return d == Direction.TO_SERVER ? toServer : toClient;
  }

  @Override
  public Scheduler scheduler() {
    return scheduler;
  }

  @Override
  public void execute(Runnable task) {
    task.run();
  }

  @Override
  public void holdBack(Direction direction, boolean on) {
    actions.add("holdBack " + direction.wire() + " " + on);
  }

  @Override
  public void held(Direction direction, long delta) {
    held += delta;
  }
}
