package io.wschaos.fault;

import io.wschaos.frame.Direction;
import io.wschaos.frame.Leg;
import java.util.ArrayList;
import java.util.List;

/**
 * A link for the unit tier of link faults: it writes down what a fault did to it ("abort client
 * reset f1", "close client 4000 reason f1") and takes its idle time from a virtual clock.
 */
public final class FakeLink implements LinkPort {
  public final List<String> calls = new ArrayList<>();
  private final VirtualClock clock;
  private long lastFrameMicros;
  private long lastDataMicros;
  public boolean open = true;

  public FakeLink(VirtualClock clock) {
    this.clock = clock;
    this.lastFrameMicros = clock.nowMicros();
    this.lastDataMicros = clock.nowMicros();
  }

  /** A control frame crossed the link now. */
  public void controlFrame() {
    lastFrameMicros = clock.nowMicros();
  }

  /** A data message crossed the link now. */
  public void dataMessage() {
    lastFrameMicros = clock.nowMicros();
    lastDataMicros = clock.nowMicros();
  }

  @Override
  public int id() {
    return 1;
  }

  @Override
  public int client() {
    return 0;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close(Leg leg, int code, String reason, String faultId) {
    calls.add("close " + leg.wire() + " " + code + " " + reason + " " + faultId);
  }

  @Override
  public void abort(Leg leg, boolean reset, String faultId) {
    calls.add("abort " + leg.wire() + " " + (reset ? "reset" : "fin") + " " + faultId);
    open = false;
  }

  @Override
  public void inject(Direction direction, Unit unit) {
    calls.add("inject " + direction.wire());
  }

  @Override
  public long idleNanos(boolean dataOnly) {
    return (clock.nowMicros() - (dataOnly ? lastDataMicros : lastFrameMicros)) * 1000;
  }
}
