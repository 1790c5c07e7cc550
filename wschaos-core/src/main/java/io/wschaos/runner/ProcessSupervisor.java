package io.wschaos.runner;

import io.wschaos.runner.SupervisedProcess.ProcessGroups;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Starts commands the way DESIGN.md ("Processes") says — {@code /bin/sh -c} under {@code setsid}, in
 * a process group of their own — and stops them: TERM to the whole group, a grace period, then KILL.
 * Every process it started is stopped by {@link #close()}, and, JVM-wide, by a shutdown hook on
 * Ctrl-C or SIGTERM, so nothing a scenario started outlives the runner (processes that start a new
 * session themselves, like daemons, leave the group and are out of its reach).
 */
public final class ProcessSupervisor implements AutoCloseable {
  /** How long a group gets between TERM and KILL. */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(2);

  private static final Set<SupervisedProcess> LIVE = ConcurrentHashMap.newKeySet();
  private static volatile boolean shuttingDown;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ProcessSupervisor::stopEverything, "wschaos-process-reaper"));
  }

  private final Duration grace;
  private final String setsid;
  private final Set<SupervisedProcess> mine = ConcurrentHashMap.newKeySet();

  /** Finds {@code setsid} on PATH; a missing one is reported by {@link #start}. */
  public ProcessSupervisor(Duration grace) {
    this(grace, "setsid");
  }

  /** @param setsid the setsid program: a name looked up on PATH, or a path */
  ProcessSupervisor(Duration grace, String setsid) {
    this.grace = grace;
    this.setsid = setsid;
  }

  public Duration grace() {
    return grace;
  }

  /**
   * Starts {@code setsid /bin/sh -c command} in {@code directory} with the JVM's environment plus
   * {@code env}; stdin is /dev/null.
   *
   * @param name for messages and thread names ({@code server}, {@code client 2})
   * @throws EnvironmentException when setsid is missing, the process cannot start, or the runner is shutting down
   */
  public SupervisedProcess start(String name, String command, Map<String, String> env, Path directory, SupervisedProcess.Recorder recorder)
      throws EnvironmentException {
    String program = resolveSetsid();
    if (shuttingDown) {
      throw new EnvironmentException("not starting " + name + ": wschaos is shutting down");
    }
    ProcessBuilder pb = new ProcessBuilder(program, "/bin/sh", "-c", command)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    if (directory != null) {
      pb.directory(directory.toFile());
    }
    pb.environment().putAll(env);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new EnvironmentException("cannot start " + name + " (" + command + "): " + e.getMessage(), e);
    }
    awaitOwnGroup(p);
    SupervisedProcess sp = new SupervisedProcess(name, command, p, recorder);
    mine.add(sp);
    LIVE.add(sp);
    if (shuttingDown) {
      stop(sp, "TERM");
      throw new EnvironmentException("not starting " + name + ": wschaos is shutting down");
    }
    return sp;
  }

  /** Stops {@code p}'s group with {@code signal}, then KILL after the grace period. */
  public void stop(SupervisedProcess p, String signal) {
    try {
      p.stop(signal, grace);
    } finally {
      mine.remove(p);
      LIVE.remove(p);
    }
  }

  /** Stops every process this supervisor started and has not stopped yet, in parallel. */
  @Override
  public void close() {
    stopAll(List.copyOf(mine), grace);
    mine.clear();
  }

  /** What the shutdown hook does: every supervised process of the JVM, TERM, grace, KILL. */
  static void stopEverything() {
    shuttingDown = true;
    stopAll(List.copyOf(LIVE), DEFAULT_GRACE);
  }

  private static void stopAll(List<SupervisedProcess> all, Duration grace) {
    List<Thread> stoppers = new ArrayList<>();
    for (SupervisedProcess p : all) {
      Thread t = new Thread(() -> {
        p.stop("TERM", grace);
        LIVE.remove(p);
      }, "wschaos-stop-" + p.name());
      t.setDaemon(true);
      t.start();
      stoppers.add(t);
    }
    long deadline = System.nanoTime() + grace.toNanos() + Duration.ofSeconds(5).toNanos();
    for (Thread t : stoppers) {
      try {
        t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * setsid makes the shell the leader of a new group without forking (its parent, the JVM, is no
   * group leader), so the pid is the group id; wait the moment it takes, so that a stop right after
   * the start reaches the whole group.
   */
  private static void awaitOwnGroup(Process p) {
    long deadline = System.nanoTime() + 1_000_000_000L;
    while (p.isAlive() && ProcessGroups.groupOf(p.pid()) != p.pid() && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private String resolveSetsid() throws EnvironmentException {
    if (setsid.contains("/")) {
      if (Files.isExecutable(Path.of(setsid))) {
        return setsid;
      }
    } else {
      String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, setsid))) {
          return Path.of(dir, setsid).toString();
        }
      }
    }
    throw new EnvironmentException(
        "cannot start commands: '" + setsid + "' was not found (it comes with util-linux; wschaos needs it to give each command its own process group)");
  }
}
