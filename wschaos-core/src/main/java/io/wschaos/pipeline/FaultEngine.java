package io.wschaos.pipeline;

import io.wschaos.fault.AttemptView;
import io.wschaos.spec.Durations;
import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.FaultSpec;
import io.wschaos.fault.FrameStage;
import io.wschaos.fault.HandshakeAction;
import io.wschaos.fault.ListenerStage;
import io.wschaos.fault.Scheduler;
import io.wschaos.fault.ServerControl;
import io.wschaos.fault.StageOutput;
import io.wschaos.fault.Trigger;
import io.wschaos.fault.Unit;
import io.wschaos.frame.Direction;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Timeline;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Arms faults, watches for their triggers, and starts and stops them on links and on the listener.
 * The proxy calls the hooks ({@link #onAttempt}, {@link #onHandshake}, {@link #onOpen},
 * {@link #onEnd}) from its event loops; the control API calls {@link #add} and {@link #remove}.
 * State changes happen under the engine's lock; work on a link is handed to the link's event loop,
 * and nothing ever waits for a link.
 */
public final class FaultEngine {
  private final Scheduler clock;
  private final Timeline timeline;
  private final long seed;
  private final Consumer<Boolean> refuseConnections;
  private final Map<String, Armed> faults = new LinkedHashMap<>();
  private final Map<Integer, LinkHandle> live = new LinkedHashMap<>();
  private final Map<Integer, Integer> opensByClient = new HashMap<>();
  private final Map<Integer, Integer> attemptsByClient = new HashMap<>();
  private int opens;
  private int attempts;
  private int instances = 1;
  private long origin;
  private int order;
  private boolean refusing;
  private volatile ServerControl serverControl;

  /**
   * @param clock the scenario clock and a scheduler for time triggers ({@code at}, {@code for})
   * @param refuseConnections told true when the listening socket must close, false when it may reopen
   */
  public FaultEngine(Scheduler clock, Timeline timeline, long seed, Consumer<Boolean> refuseConnections) {
    this.clock = clock;
    this.timeline = timeline;
    this.seed = seed;
    this.refuseConnections = refuseConnections;
  }

  /** How many client instances there are, for {@code on: {all_open: true}}. */
  public synchronized void instances(int n) {
    instances = n;
  }

  /**
   * Scenario time zero on the clock (µs): {@code at:} triggers count from it. A runner sets it when
   * the proxy listens and the server is ready, before adding the scenario's faults; proxy mode
   * leaves it at the clock's origin.
   */
  public synchronized void origin(long micros) {
    origin = micros;
  }

  /**
   * The server process that {@code restart_server} restarts: the runner sets it when it started the
   * server; without one (proxy mode) the fault records {@code skipped}.
   */
  public void serverControl(ServerControl control) {
    serverControl = control;
  }

  public long seed() {
    return seed;
  }

  // ---- faults in and out ----

  /** Arms {@code spec}; a fault without {@code at} or {@code on} starts at once. */
  public synchronized void add(FaultSpec spec) {
    if (faults.containsKey(spec.id())) {
      throw new IllegalArgumentException("a fault with id '" + spec.id() + "' exists already");
    }
    Armed a = new Armed(spec, order++);
    faults.put(spec.id(), a);
    Trigger t = spec.trigger();
    if (t.immediate()) {
      fireGlobal(a);
    } else if (t.at() != null) {
      a.nextFire = origin + Durations.micros(t.at());
      a.timer = clock.schedule(a.nextFire - clock.nowMicros(), () -> fireAt(a));
    } else if (t.on() instanceof Trigger.MessageOn m) {
      for (LinkHandle l : live.values()) {
        tap(a, m, l);
      }
    }
  }

  public synchronized boolean has(String id) {
    return faults.containsKey(id);
  }

  /** Stops {@code id} everywhere (held units flushed in order) and forgets it. */
  public synchronized boolean remove(String id) {
    Armed a = faults.remove(id);
    if (a == null) {
      return false;
    }
    a.removed = true;
    if (a.timer != null) {
      a.timer.cancel();
    }
    stop(a);
    for (LinkHandle l : live.values()) {
      l.execute(() -> l.pipeline(directionOf(a)).remove(tapId(a)));
    }
    return true;
  }

  /** Removes every fault. */
  public synchronized void reset() {
    for (String id : new ArrayList<>(faults.keySet())) {
      remove(id);
    }
  }

  public synchronized List<FaultStatus> faults() {
    List<FaultStatus> out = new ArrayList<>();
    for (Armed a : faults.values()) {
      out.add(new FaultStatus(a.spec.id(), a.spec.name(), a.state(), List.copyOf(a.links), a.spec.preset(), a.spec.source()));
    }
    return out;
  }

  // ---- hooks from the proxy ----

  /** A TCP connection was accepted: the id of an active fault that resets it at once, or null. */
  public synchronized String onAccept() {
    for (Armed a : faults.values()) {
      if (a.listener != null && a.listener.resetsConnection()) {
        return a.spec.id();
      }
    }
    return null;
  }

  /** Counts an attempt (before it is answered) and fires {@code on: {attempt: N}} triggers. */
  public synchronized void onAttempt(AttemptView attempt) {
    attempts++;
    attemptsByClient.merge(attempt.client(), 1, Integer::sum);
    for (Armed a : List.copyOf(faults.values())) {
      if (a.spec.trigger().on() instanceof Trigger.AttemptN n && !a.fired) {
        int count = a.spec.trigger().anyClient() ? attempts : attemptsByClient.get(attempt.client());
        if (count == n.n()) {
          a.fired = true;
          fireGlobal(a);
        }
      }
    }
  }

  /** How an active listener fault answers this handshake, or null to relay it. */
  public synchronized HandshakeAction onHandshake(AttemptView attempt) {
    for (Armed a : faults.values()) {
      if (a.listener != null) {
        HandshakeAction act = a.listener.onHandshake(attempt);
        if (act != null) {
          return act;
        }
      }
    }
    return null;
  }

  /** A link opened: lasting faults that cover new links start on it, and open triggers fire. */
  public synchronized void onOpen(LinkHandle link) {
    live.put(link.id(), link);
    opens++;
    int clientOpens = opensByClient.merge(link.client(), 1, Integer::sum);
    for (Armed a : List.copyOf(faults.values())) {
      Trigger t = a.spec.trigger();
      if (a.coversNewLinks && covers(t.link(), link)) {
        startOn(a, link);
      }
      if (t.on() instanceof Trigger.OpenN o) {
        int count = t.anyClient() ? opens : clientOpens;
        if (o.n() == null || o.n() == count) {
          fireOnLink(a, link);
        }
      } else if (t.on() instanceof Trigger.AllOpen && !a.fired && allOpen()) {
        a.fired = true;
        fireGlobal(a);
      } else if (t.on() instanceof Trigger.MessageOn m) {
        tap(a, m, link);
      }
    }
  }

  /** A link ended: it leaves every fault's list (its stages were discarded by the link). */
  public synchronized void onEnd(LinkHandle link) {
    live.remove(link.id());
    for (Armed a : faults.values()) {
      a.links.remove(link.id());
      a.contexts.remove(link.id());
    }
  }

  private boolean allOpen() {
    Set<Integer> clients = new LinkedHashSet<>();
    for (LinkHandle l : live.values()) {
      if (l.isOpen()) {
        clients.add(l.client());
      }
    }
    if (instances <= 1) {
      return !clients.isEmpty();
    }
    for (int i = 1; i <= instances; i++) {
      if (!clients.contains(i)) {
        return false;
      }
    }
    return true;
  }

  // ---- firing ----

  private void fireAt(Armed a) {
    synchronized (this) {
      if (a.removed) {
        return;
      }
      fireGlobal(a);
      if (a.spec.trigger().every() != null) {
        // Firing k is due at at + k × every: armed from the plan, not from this (late) firing, so
        // lateness never adds up.
        a.nextFire += Durations.micros(a.spec.trigger().every());
        a.timer = clock.schedule(a.nextFire - clock.nowMicros(), () -> fireAt(a));
      }
    }
  }

  /** A trigger that belongs to no link (at, attempt, all_open, immediate): scope current means all. */
  private void fireGlobal(Armed a) {
    long after = Durations.micros(a.spec.trigger().after());
    if (after > 0) {
      a.timer = clock.schedule(after, () -> {
        synchronized (this) {
          if (!a.removed) {
            activate(a, null);
          }
        }
      });
    } else {
      activate(a, null);
    }
  }

  private void fireOnLink(Armed a, LinkHandle link) {
    long after = Durations.micros(a.spec.trigger().after());
    if (after > 0) {
      link.scheduler().schedule(after, () -> {
        synchronized (this) {
          if (!a.removed) {
            activate(a, link);
          }
        }
      });
    } else {
      activate(a, link);
    }
  }

  /** Starts {@code a} on the links its scope names ({@code current} = {@code trigger}'s link), and on the listener. */
  private void activate(Armed a, LinkHandle trigger) {
    Fault fault = a.spec.fault();
    Trigger t = a.spec.trigger();
    a.active = true;
    ListenerStage listener = fault.listener(new Ctx(a, null));
    if (listener != null) {
      a.listener = listener;
      updateRefusal();
    }
    List<LinkHandle> targets = new ArrayList<>();
    Trigger.LinkScope scope = t.link();
    if (scope.kind() == Trigger.LinkScope.Kind.CURRENT && trigger != null) {
      targets.add(trigger);
    } else {
      for (LinkHandle l : live.values()) {
        if (covers(scope, l)) {
          targets.add(l);
        }
      }
      // Lasting faults started by a time or attempt trigger also reach links opened while they last.
      a.coversNewLinks = !fault.oneShot() && (trigger == null || scope.kind() == Trigger.LinkScope.Kind.ALL);
    }
    boolean actsOnLinks = fault.oneShot() || !fault.directions().isEmpty() || listener == null;
    for (LinkHandle l : targets) {
      startOn(a, l);
    }
    if (targets.isEmpty() && actsOnLinks && !a.coversNewLinks) {
      timeline.record(0, 0, new EventBody.Fault(a.spec.id(), a.spec.name(), "started", null, null, "links: 0"));
    } else if (listener != null || targets.isEmpty()) {
      timeline.record(0, 0, new EventBody.Fault(a.spec.id(), a.spec.name(), "started", null, null, "links: " + targets.size()));
    }
    if (t.duration() != null) {
      Scheduler.Cancellable stopTimer = clock.schedule(Durations.micros(t.duration()), () -> {
        synchronized (this) {
          stop(a);
        }
      });
      if (t.every() == null) {
        a.timer = stopTimer;
      }
    } else if (fault.oneShot() && listener == null) {
      a.active = false;
      a.done = t.on() == null || !(t.on() instanceof Trigger.OpenN o && o.n() == null);
    }
  }

  private static boolean covers(Trigger.LinkScope scope, LinkHandle l) {
    return scope.kind() != Trigger.LinkScope.Kind.NUMBER || scope.number() == l.id();
  }

  private void startOn(Armed a, LinkHandle link) {
    Fault fault = a.spec.fault();
    if (!fault.oneShot()) {
      a.links.add(link.id());
    }
    link.execute(
        () -> {
          Ctx ctx = new Ctx(a, link);
          if (!link.isOpen()) {
            ctx.record("skipped", null, 0, "the link had ended");
            return;
          }
          for (Direction d : fault.directions()) {
            FrameStage stage = fault.stage(d, ctx);
            link.pipeline(d).add(a.spec.id(), a.order, stage);
          }
          ctx.record("started", null, 0, null);
          fault.start(link, ctx);
          a.contexts.put(link.id(), ctx);
        });
  }

  /** Ends {@code a} wherever it acts: stages flushed in order, then the fault's own stop. */
  private void stop(Armed a) {
    a.active = false;
    a.coversNewLinks = false;
    if (a.listener != null) {
      a.listener = null;
      updateRefusal();
      timeline.record(0, 0, new EventBody.Fault(a.spec.id(), a.spec.name(), "stopped", null, null, null));
    }
    if (a.spec.trigger().every() == null) {
      a.done = true;
    }
    for (Integer id : List.copyOf(a.links)) {
      LinkHandle link = live.get(id);
      if (link == null) {
        continue;
      }
      link.execute(
          () -> {
            Fault fault = a.spec.fault();
            for (Direction d : fault.directions()) {
              link.pipeline(d).remove(a.spec.id());
            }
            Ctx ctx = a.contexts.remove(link.id());
            if (ctx != null && !link.ended()) {
              fault.stop(link, ctx);
              ctx.record("stopped", null, 0, null);
            }
          });
    }
    a.links.clear();
  }

  private void updateRefusal() {
    boolean refuse = false;
    for (Armed x : faults.values()) {
      refuse |= x.listener != null && x.listener.refusesConnections();
    }
    if (refuse != refusing) {
      refusing = refuse;
      refuseConnections.accept(refuse);
    }
  }

  // ---- message triggers ----

  private static String tapId(Armed a) {
    return "~tap:" + a.spec.id();
  }

  private static Direction directionOf(Armed a) {
    return a.spec.trigger().on() instanceof Trigger.MessageOn m ? m.to() : Direction.TO_CLIENT;
  }

  /** Watches {@code link}'s messages toward {@code m.to()} at the head of its chain. */
  private void tap(Armed a, Trigger.MessageOn m, LinkHandle link) {
    link.execute(() -> link.pipeline(m.to()).add(tapId(a), -1, new Tap(a, m, link)));
  }

  /** Counts and matches messages; when the trigger fires, the fault starts before the message goes on. */
  private final class Tap implements FrameStage {
    private final Armed a;
    private final Trigger.MessageOn m;
    private final LinkHandle link;
    private int seen;
    private boolean fired;

    Tap(Armed a, Trigger.MessageOn m, LinkHandle link) {
      this.a = a;
      this.m = m;
      this.link = link;
    }

    @Override
    public void onUnit(Unit unit, StageOutput next) {
      if (!fired && unit.isData() && (m.match() == null || unit.isText() && m.match().matchesText(unit.text()))) {
        int count;
        synchronized (FaultEngine.this) {
          count = m.allLinks() ? ++a.messagesSeen : ++seen;
          if (m.nth() == null || count == m.nth()) {
            if (!m.allLinks() || !a.fired) {
              fired = true;
              a.fired = m.allLinks();
              if (!a.removed) {
                fireOnLink(a, link);
              }
            }
          }
        }
      }
      next.emit(unit);
    }
  }

  // ---- state ----

  private final class Armed {
    final FaultSpec spec;
    final int order;
    final Set<Integer> links = new LinkedHashSet<>();
    // Written on the links' event loops (several threads), not under the engine's lock.
    final Map<Integer, Ctx> contexts = new ConcurrentHashMap<>();
    Scheduler.Cancellable timer;
    ListenerStage listener;
    boolean active;
    boolean done;
    boolean removed;
    boolean fired;
    boolean coversNewLinks;
    int messagesSeen;
    long nextFire;

    Armed(FaultSpec spec, int order) {
      this.spec = spec;
      this.order = order;
    }

    String state() {
      return active ? "active" : done ? "done" : "armed";
    }
  }

  /** A fault on one link (or on the listener when {@code link} is null). */
  private final class Ctx implements FaultContext {
    private final Armed a;
    private final LinkHandle link;
    private final SplittableRandom[] randoms = new SplittableRandom[3];

    Ctx(Armed a, LinkHandle link) {
      this.a = a;
      this.link = link;
    }

    @Override
    public String faultId() {
      return a.spec.id();
    }

    @Override
    public String faultName() {
      return a.spec.name();
    }

    @Override
    public int link() {
      return link == null ? 0 : link.id();
    }

    @Override
    public Scheduler scheduler() {
      return link == null ? clock : link.scheduler();
    }

    @Override
    public RandomGenerator random(Direction direction) {
      int i = direction == null ? 2 : direction.ordinal();
      if (randoms[i] == null) {
        randoms[i] = SeededRandom.stream(seed, a.spec.id(), link == null ? 0 : link.client(), link == null ? 0 : link.ordinal(), direction);
      }
      return randoms[i];
    }

    @Override
    public boolean chance(Direction direction) {
      Double p = a.spec.trigger().probability();
      return p == null || random(direction).nextDouble() < p;
    }

    @Override
    public void record(String action, Direction direction, long messageId, String detail) {
      if (link != null && direction != null && messageId > 0) {
        link.touched(direction, messageId);
      }
      timeline.record(
          link(),
          link == null ? 0 : link.client(),
          new EventBody.Fault(a.spec.id(), a.spec.name(), action, direction, messageId > 0 ? messageId : null, detail));
    }

    @Override
    public void holdBack(Direction direction, boolean on) {
      if (link != null) {
        link.holdBack(direction, on);
      }
    }

    @Override
    public void held(Direction direction, long delta) {
      if (link != null) {
        link.held(direction, delta);
      }
    }

    @Override
    public ServerControl serverControl() {
      return serverControl;
    }
  }
}
