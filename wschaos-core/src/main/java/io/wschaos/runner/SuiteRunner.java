package io.wschaos.runner;

import io.vertx.core.Vertx;
import io.wschaos.journal.RunJournal;
import io.wschaos.journal.SuiteJournal;
import io.wschaos.scenario.Scenario;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a suite: every scenario {@code repeat} times, up to {@code parallel} runs side by side, and
 * collects their journals in suite order.
 *
 * <p>All runs share one Vert.x instance (event loops are per connection anyway, and every port is 0,
 * so runs never clash) and one {@link ProcessSupervisor}. {@link #close()} stops what is left.
 */
public final class SuiteRunner implements AutoCloseable {
  /** Told when each run starts and ends, from the thread that runs it (progress on the console). */
  public interface Listener {
    /**
     * @param index the run's position among all runs of the suite, from 1
     * @param total how many runs the suite makes (scenarios × repeat)
     */
    default void started(Scenario scenario, int run, int runs, int index, int total) {}

    default void finished(RunJournal journal, int index, int total) {}
  }

  private final int parallel;
  private final Vertx vertx;
  private final ProcessSupervisor processes;
  private final ScenarioRunner runner;

  /** @param parallel how many runs may go on at once (at least 1) */
  public SuiteRunner(int parallel, ScenarioRunner.Options options) {
    if (parallel < 1) {
      throw new IllegalArgumentException("parallel must be at least 1, got " + parallel);
    }
    this.parallel = parallel;
    this.vertx = Vertx.vertx();
    this.processes = new ProcessSupervisor(ProcessSupervisor.DEFAULT_GRACE);
    this.runner = new ScenarioRunner(vertx, processes, options);
  }

  /**
   * Runs every scenario {@code repeat} times (the same seed each time: repeats measure how stable
   * the client is, and any failing run replays with the seed printed).
   */
  public SuiteJournal run(List<Scenario> scenarios, int repeat, Listener listener) {
    if (repeat < 1) {
      throw new IllegalArgumentException("repeat must be at least 1, got " + repeat);
    }
    Instant started = Instant.now();
    int total = scenarios.size() * repeat;
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallel, Math.max(1, total)), r -> {
      Thread t = new Thread(r, "wschaos-run-" + next.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    AtomicInteger startedRuns = new AtomicInteger();
    AtomicInteger finishedRuns = new AtomicInteger();
    List<Future<RunJournal>> futures = new ArrayList<>();
    try {
      for (Scenario s : scenarios) {
        for (int r = 1; r <= repeat; r++) {
          int run = r;
          futures.add(pool.submit(() -> {
            listener.started(s, run, repeat, startedRuns.incrementAndGet(), total);
            RunJournal j = runner.run(s, run, repeat);
            listener.finished(j, finishedRuns.incrementAndGet(), total);
            return j;
          }));
        }
      }
      List<RunJournal> journals = new ArrayList<>();
      for (Future<RunJournal> f : futures) {
        try {
          journals.add(f.get());
        } catch (ExecutionException e) {
          throw new IllegalStateException("a run failed inside wschaos: " + io.wschaos.spec.Failures.describe(e.getCause()), e.getCause());
        }
      }
      return new SuiteJournal(started, Instant.now(), repeat, journals);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      runner.cancel();
      throw new IllegalStateException("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Ends every run in progress through its teardown (each becomes an error). */
  public void cancel() {
    runner.cancel();
  }

  /** Stops every process still running and closes Vert.x. */
  @Override
  public void close() {
    processes.close();
    try {
      vertx.close().await(5, java.util.concurrent.TimeUnit.SECONDS);
    } catch (Exception e) {
      // exiting anyway
    }
  }

  /** The grace between TERM and KILL for clients and servers. */
  public Duration grace() {
    return processes.grace();
  }
}
