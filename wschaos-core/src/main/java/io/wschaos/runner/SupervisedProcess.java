package io.wschaos.runner;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One command started by a {@link ProcessSupervisor}: {@code setsid /bin/sh -c COMMAND}, so that the
 * shell leads a process group of its own (its pid is the group id) and everything it starts can be
 * signalled at once. stdout and stderr are drained on daemon threads, line by line, into a {@link
 * Recorder}: at most {@value #MAX_LINES} lines or {@value #MAX_BYTES} bytes per process (both
 * streams together), then one {@code truncated} and silence, while the pipes are still drained so
 * that the process never blocks on a full pipe. A line longer than {@value #MAX_LINE_CHARS}
 * characters is cut and ends with {@code …}.
 *
 * <p>The recorder sees {@code spawned} (with the pid), {@code stdout}/{@code stderr} (with the line),
 * {@code truncated}, and {@code exited} (with the code; null when a signal the supervisor sent
 * ended it, since a JVM sees a signal death as 128 + the signal number).
 */
public final class SupervisedProcess {
  /** The most output lines recorded per process. */
  public static final int MAX_LINES = 1_000;
  /** The most output bytes (UTF-8) recorded per process. */
  public static final int MAX_BYTES = 256 * 1024;
  /** Longer lines are cut. */
  public static final int MAX_LINE_CHARS = 8 * 1024;
  /** How many of the last output lines are kept for error messages. */
  private static final int TAIL = 5;

  /** Where a process's life and output go (the runner records them on the timeline). */
  @FunctionalInterface
  public interface Recorder {
    void record(String action, Long pid, Integer code, String line);
  }

  private final String name;
  private final String command;
  private final Process process;
  private final Recorder recorder;
  private final Thread stdout;
  private final Thread stderr;
  private final CompletableFuture<Integer> exited = new CompletableFuture<>();
  private final Deque<String> tail = new ArrayDeque<>();
  private int lines;
  private long bytes;
  private boolean truncated;
  private volatile boolean signalled;
  private volatile boolean stopped;

  SupervisedProcess(String name, String command, Process process, Recorder recorder) {
    this.name = name;
    this.command = command;
    this.process = process;
    this.recorder = recorder;
    recorder.record("spawned", process.pid(), null, null);
    this.stdout = daemon(name + "-stdout", () -> pump(process.getInputStream(), "stdout"));
    this.stderr = daemon(name + "-stderr", () -> pump(process.getErrorStream(), "stderr"));
    process.onExit().thenRun(this::onExit);
  }

  /** A name for messages: {@code server}, {@code client 2}. */
  public String name() {
    return name;
  }

  public String command() {
    return command;
  }

  /** The shell's pid, which is also the process group id. */
  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Completes when the shell exited, with its exit code (null when a signal the supervisor sent ended it). */
  public CompletableFuture<Integer> exited() {
    return exited;
  }

  /** The last few output lines, oldest first, for an error message. */
  public List<String> tail() {
    synchronized (tail) {
      return List.copyOf(tail);
    }
  }

  /** True while any process of the group is alive (zombies do not count). */
  public boolean groupAlive() {
    return ProcessGroups.alive(pid());
  }

  /**
   * Stops the whole process group: {@code signal} (TERM, INT, KILL), then, if anything of the group
   * is still alive after {@code grace}, KILL. Returns once the group is gone (or KILL had 2 s to
   * work), and output pumps had up to 1 s to drain. Idempotent.
   */
  public void stop(String signal, Duration grace) {
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
    }
    signal(signal);
    if (!ProcessGroups.awaitGone(pid(), grace)) {
      signal("KILL");
      ProcessGroups.awaitGone(pid(), Duration.ofSeconds(2));
    }
    try {
      process.waitFor(1, TimeUnit.SECONDS);
      stdout.join(1_000);
      stderr.join(1_000);
      exited.get(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      // the exit is recorded when it comes
    }
  }

  /** Sends {@code signal} to the whole group now, without waiting. */
  public void signal(String signal) {
    signalled = true;
    ProcessGroups.signal(pid(), signal);
  }

  private void onExit() {
    try {
      // Output written just before the exit goes on the timeline before the exit; a grandchild
      // holding the pipe open must not hold the exit back, hence the bound.
      stdout.join(200);
      stderr.join(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int value = process.exitValue();
    Integer code = signalled && value > 128 ? null : value;
    recorder.record("exited", process.pid(), code, null);
    exited.complete(code);
  }

  private void pump(InputStream in, String action) {
    StringBuilder line = new StringBuilder();
    boolean cut = false;
    char[] buf = new char[8192];
    try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      int n;
      while ((n = r.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          char c = buf[i];
          if (c == '\n') {
            emit(action, line, cut);
            line.setLength(0);
            cut = false;
          } else if (line.length() < MAX_LINE_CHARS) {
            line.append(c);
          } else {
            cut = true;
          }
        }
      }
    } catch (IOException e) {
      // the pipe closed: the process is gone
    }
    if (line.length() > 0) {
      emit(action, line, cut);
    }
  }

  private void emit(String action, StringBuilder raw, boolean cut) {
    int end = raw.length();
    if (end > 0 && raw.charAt(end - 1) == '\r') {
      end--;
    }
    String text = raw.substring(0, end) + (cut ? "…" : "");
    synchronized (tail) {
      if (tail.size() == TAIL) {
        tail.removeFirst();
      }
      tail.addLast(text);
    }
    int size = text.getBytes(StandardCharsets.UTF_8).length + 1;
    synchronized (this) {
      if (truncated) {
        return;
      }
      if (lines >= MAX_LINES || bytes + size > MAX_BYTES) {
        truncated = true;
        recorder.record("truncated", process.pid(), null, "output past " + MAX_LINES + " lines or " + MAX_BYTES / 1024 + " KiB is not recorded");
        return;
      }
      lines++;
      bytes += size;
      recorder.record(action, null, null, text);
    }
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, "wschaos-" + name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Process groups through /proc and the shell's kill. Linux only, like setsid. */
  static final class ProcessGroups {
    private static final Path PROC = Path.of("/proc");

    private ProcessGroups() {}

    /** True while some process other than a zombie has process group {@code pgid}. */
    static boolean alive(long pgid) {
      try (var dirs = Files.newDirectoryStream(PROC)) {
        for (Path d : dirs) {
          String n = d.getFileName().toString();
          if (n.isEmpty() || !Character.isDigit(n.charAt(0))) {
            continue;
          }
          String stat;
          try {
            stat = Files.readString(d.resolve("stat"));
          } catch (IOException | RuntimeException e) {
            continue; // gone meanwhile
          }
          // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses
          int close = stat.lastIndexOf(')');
          if (close < 0 || close + 2 >= stat.length()) {
            continue;
          }
          String[] f = stat.substring(close + 2).split(" ", 4);
          if (f.length >= 3 && !"Z".equals(f[0]) && !"X".equals(f[0]) && Long.parseLong(f[2]) == pgid) {
            return true;
          }
        }
      } catch (IOException e) {
        return false;
      }
      return false;
    }

    /** The process group of {@code pid}, or -1 when it is gone. */
    static long groupOf(long pid) {
      try {
        String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 4);
        return "Z".equals(f[0]) ? -1 : Long.parseLong(f[2]);
      } catch (IOException | RuntimeException e) {
        return -1;
      }
    }

    static boolean awaitGone(long pgid, Duration within) {
      long deadline = System.nanoTime() + within.toNanos();
      while (alive(pgid)) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return !alive(pgid);
        }
      }
      return true;
    }

    /** {@code kill -s SIGNAL -- -PGID} through /bin/sh: the whole group at once. */
    static void signal(long pgid, String signal) {
      if (!signal.matches("[A-Z]+")) {
        throw new IllegalArgumentException("not a signal name: " + signal);
      }
      try {
        Process kill =
            new ProcessBuilder("/bin/sh", "-c", "kill -s " + signal + " -- -" + pgid + " 2>/dev/null")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!kill.waitFor(2, TimeUnit.SECONDS)) {
          kill.destroyForcibly();
        }
      } catch (IOException e) {
        // no shell to send it: fall back to the leader alone
        ProcessHandle.of(pgid).ifPresent("KILL".equals(signal) ? ProcessHandle::destroyForcibly : ProcessHandle::destroy);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
