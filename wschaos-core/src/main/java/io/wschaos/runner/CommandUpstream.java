package io.wschaos.runner;

import io.wschaos.fault.ServerControl;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Timeline;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code server.command}: started by the supervisor with {@code PORT} in its environment (a free
 * port unless {@code server.port} fixes one), ready once that port accepts TCP connections.
 * restart_server stops its process group with the fault's signal (KILL after the grace period),
 * waits {@code down_for}, starts the command again on the same port and waits for readiness.
 */
final class CommandUpstream implements Upstream, ServerControl {
  static final Duration DEFAULT_READY = Duration.ofSeconds(10);

  private final ProcessSupervisor processes;
  private final Timeline timeline;
  private final RestartGate restarts; // guarded by this
  private final String command;
  private final Map<String, String> env;
  private final Path directory;
  private final int port;
  private final String path;
  private final Duration ready;
  private final Consumer<String> failed;
  private SupervisedProcess process; // guarded by this
  private boolean stopped; // guarded by this

  private CommandUpstream(
      ProcessSupervisor processes, Timeline timeline, String command, Map<String, String> env, Path directory, int port, String path,
      Duration ready, Consumer<String> failed) {
    this.processes = processes;
    this.timeline = timeline;
    this.restarts = new RestartGate(timeline, "wschaos-restart-server");
    this.command = command;
    this.env = env;
    this.directory = directory;
    this.port = port;
    this.path = path;
    this.ready = ready;
    this.failed = failed;
  }

  /**
   * @param fixedPort {@code server.port}, or null for a free one
   * @param path the WebSocket path of the server (null: /)
   * @param readyTimeout null: 10 s
   * @param failed told why, when a restart could not bring the server back
   */
  static CommandUpstream start(
      ProcessSupervisor processes, Timeline timeline, String command, Integer fixedPort, String path, Duration readyTimeout,
      Map<String, String> extraEnv, Path directory, Consumer<String> failed) throws EnvironmentException {
    int port;
    if (fixedPort != null) {
      if (Ports.inUse(fixedPort)) {
        throw new EnvironmentException(
            "server.port " + fixedPort + " is already in use on " + Ports.HOST + " (another process listens there); stop it or leave server.port out for a free port");
      }
      port = fixedPort;
    } else {
      port = Ports.free();
    }
    Map<String, String> env = new LinkedHashMap<>();
    if (extraEnv != null) {
      env.putAll(extraEnv);
    }
    env.put("PORT", Integer.toString(port));
    CommandUpstream up = new CommandUpstream(
        processes, timeline, command, Map.copyOf(env), directory, port, path == null || path.isEmpty() ? "/" : path,
        readyTimeout == null ? DEFAULT_READY : readyTimeout, failed);
    String why = up.launch("ready");
    if (why != null) {
      up.stop();
      throw new EnvironmentException(why);
    }
    return up;
  }

  /** Starts the command and waits until its port accepts connections; null when ready, else why not. */
  private String launch(String readyAction) throws EnvironmentException {
    SupervisedProcess p = processes.start("server", command, env, directory, this::record);
    synchronized (this) {
      process = p;
    }
    String why = Ports.awaitAccepting(Ports.HOST, port, ready, () -> p.isAlive() ? null : "exited");
    if (why == null) {
      timeline.record(0, 0, new EventBody.ServerProcess(readyAction, p.pid(), null, Ports.HOST + ":" + port + " accepts connections"));
      return null;
    }
    String output = lastOutput(p.tail());
    if ("exited".equals(why)) {
      Integer code = p.exited().getNow(null);
      return "the server command exited" + (code == null ? "" : " with code " + code) + " before " + Ports.HOST + ":" + port
          + " accepted connections (" + command + ")" + output;
    }
    return "the server command did not accept connections on " + Ports.HOST + ":" + port + " within " + seconds(ready)
        + " (server.ready.timeout; " + command + ")" + output;
  }

  private void record(String action, Long pid, Integer code, String line) {
    timeline.record(0, 0, new EventBody.ServerProcess("spawned".equals(action) ? "started" : action, pid, code, line));
  }

  @Override
  public URI uri() {
    return URI.create("ws://" + Ports.HOST + ":" + port + (path.startsWith("/") ? path : "/" + path));
  }

  @Override
  public ServerControl control() {
    return this;
  }

  @Override
  public synchronized void restart(Duration downFor, String signal) {
    restarts.start(stopped, () -> doRestart(downFor, signal));
  }

  private void doRestart(Duration downFor, String signal) {
    SupervisedProcess old;
    synchronized (this) {
      if (stopped) {
        return;
      }
      old = process;
    }
    timeline.record(0, 0, new EventBody.ServerProcess("stopped", old.pid(), null, "restart_server: " + signal + " to the process group"));
    processes.stop(old, signal);
    try {
      Thread.sleep(downFor.toMillis());
    } catch (InterruptedException e) {
      return; // teardown
    }
    // Not under the lock: stop() interrupts the readiness wait, joins this thread, then stops what it started.
    String why;
    try {
      synchronized (this) {
        if (stopped) {
          return;
        }
      }
      why = launch("restarted");
    } catch (EnvironmentException e) {
      why = e.getMessage();
    }
    synchronized (this) {
      if (why != null && !stopped) {
        failed.accept("after restart_server, " + why);
      }
    }
  }

  @Override
  public void stop() {
    SupervisedProcess p;
    Thread r;
    synchronized (this) {
      stopped = true;
      r = restarts.thread();
    }
    if (r != null) {
      r.interrupt();
      try {
        r.join(ready.toMillis() + 5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (this) {
      p = process;
      process = null;
    }
    if (p != null) {
      timeline.record(0, 0, new EventBody.ServerProcess("stopped", p.pid(), null, "TERM to the process group"));
      processes.stop(p, "TERM");
    }
  }

  private static String lastOutput(List<String> tail) {
    return tail.isEmpty() ? "" : "; last output: " + tail.get(tail.size() - 1);
  }

  static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
