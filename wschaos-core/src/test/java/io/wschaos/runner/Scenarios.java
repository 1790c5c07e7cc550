package io.wschaos.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.wschaos.expect.Expectation;
import io.wschaos.expect.Judging;
import io.wschaos.expect.Verdict;
import io.wschaos.fault.FaultEntryParser;
import io.wschaos.fault.FaultSpec;
import io.wschaos.fault.builtin.BuiltinFaults;
import io.wschaos.scenario.ClientSpec;
import io.wschaos.scenario.ExpectationSpec;
import io.wschaos.expect.Messages;
import io.wschaos.scenario.ProxySpec;
import io.wschaos.scenario.Scenario;
import io.wschaos.scenario.ServerSpec;
import io.wschaos.spec.Tolerance;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Phase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Scenarios built in code (until the YAML loader lands), small test expectations, and the Node.js
 * client and server scripts the runner tests start as real processes.
 */
public final class Scenarios {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final FaultEntryParser FAULTS = new FaultEntryParser(BuiltinFaults.catalog());

  /** The worktree's node_modules, for NODE_PATH: the scripts live in temp folders. */
  public static final Path NODE_MODULES = Path.of("node_modules").toAbsolutePath();

  /**
   * Connects to WSCHAOS_URL, prints its URL and instance, reconnects 200 ms after any close, appends
   * its pid to $PIDS when set.
   */
  public static final String CLIENT_JS = """
      const WebSocket = require('ws');
      const fs = require('fs');
      const url = process.env.WSCHAOS_URL;
      if (process.env.PIDS) fs.appendFileSync(process.env.PIDS, 'node ' + process.pid + '\\n');
      console.log('url ' + url + ' instance ' + process.env.WSCHAOS_INSTANCE + ' scenario ' + process.env.WSCHAOS_SCENARIO + ' seed ' + process.env.WSCHAOS_SEED);
      function connect() {
        const ws = new WebSocket(url);
        ws.on('open', () => console.log('open'));
        ws.on('error', () => {});
        ws.on('close', () => setTimeout(connect, 200));
      }
      connect();
      process.on('SIGTERM', () => process.exit(0));
      """;

  /** An echo server on $PORT that appends its pid to $PIDS when set. */
  public static final String SERVER_JS = """
      const { WebSocketServer } = require('ws');
      const fs = require('fs');
      if (process.env.PIDS) fs.appendFileSync(process.env.PIDS, 'server ' + process.pid + '\\n');
      const wss = new WebSocketServer({ host: '127.0.0.1', port: Number(process.env.PORT) });
      wss.on('connection', ws => ws.on('message', m => ws.send(m)));
      wss.on('listening', () => console.log('listening on ' + process.env.PORT));
      """;

  private Scenarios() {}

  /** Writes the Node scripts into {@code dir}; returns {@code dir}. */
  public static Path scripts(Path dir) {
    try {
      Files.writeString(dir.resolve("client.js"), CLIENT_JS);
      Files.writeString(dir.resolve("server.js"), SERVER_JS);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String nodeClient(Path dir) {
    return "node " + dir.resolve("client.js");
  }

  public static Map<String, String> nodeEnv() {
    return Map.of("NODE_PATH", NODE_MODULES.toString());
  }

  public static ServerSpec feed() {
    return new ServerSpec("feed", Map.of("rate", 5), null, null, null, null, null, null);
  }

  public static ServerSpec command(String command, Integer port, Duration ready, Map<String, String> env) {
    return new ServerSpec(null, null, null, command, port, ready, null, env);
  }

  public static ClientSpec client(String command, int instances, Map<String, String> env) {
    return new ClientSpec(command, instances, false, null, env);
  }

  public static Scenario scenario(String name, ServerSpec server, ClientSpec client, Duration duration, List<FaultSpec> faults, ExpectationSpec... expect) {
    return new Scenario(
        null, name, null, List.of(), 42, server, client, new ProxySpec(null), duration, Tolerance.DEFAULT, Messages.NONE, faults, List.of(expect));
  }

  /** One fault entry in YAML, e.g. {@code "{on: {open: 1}, restart_server: {}}"}. */
  public static List<FaultSpec> fault(String yaml, String id) {
    try {
      return FAULTS.parse(YAML.readTree(yaml), "faults[0]", id);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ExpectationSpec expect(String id, Expectation x) {
    return new ExpectationSpec(id, id.replaceAll("#.*", ""), x, null);
  }

  // ---- small test expectations ----

  /** Passes, final, once the proxy recorded at least {@code n} opens (during the run). */
  public static Expectation opens(int n) {
    return new Expectation() {
      public Verdict judge(Judging j) {
        List<Long> seqs = run(j).filter(e -> e.body() instanceof EventBody.Open).map(Event::seq).toList();
        return seqs.size() >= n
            ? Verdict.pass(true, seqs.size() + " opens", seqs)
            : Verdict.undecided(j.runOver(), "only " + seqs.size() + " of " + n + " opens", seqs);
      }
    };
  }

  /** Passes, final, once every instance (1..Judging.instances) has an open link. */
  public static Expectation everyInstanceOpens() {
    return new Expectation() {
      public Verdict judge(Judging j) {
        Set<Integer> clients = new TreeSet<>();
        List<Long> seqs = new ArrayList<>();
        run(j).filter(e -> e.body() instanceof EventBody.Open).forEach(e -> {
          clients.add(e.client());
          seqs.add(e.seq());
        });
        return clients.size() == j.instances()
            ? Verdict.pass(true, "clients " + clients + " opened", seqs)
            : Verdict.undecided(j.runOver(), "clients " + clients + " opened of " + j.instances(), seqs);
      }
    };
  }

  /** Fails, final, at once, with {@code sentence}. */
  public static Expectation fails(String sentence) {
    return new Expectation() {
      public Verdict judge(Judging j) {
        return Verdict.fail(sentence, List.of());
      }
    };
  }

  /** Never final before the run is over; then undecided. */
  public static Expectation neverFinal() {
    return new Expectation() {
      public Verdict judge(Judging j) {
        return Verdict.undecided(j.runOver(), "nothing to decide", List.of());
      }
    };
  }

  private static Stream<Event> run(Judging j) {
    return j.events().stream().filter(e -> e.phase() == Phase.RUN);
  }

  // ---- processes ----

  /** The pids listed in a PIDS file (lines "what pid" or "pid"). */
  public static List<Long> pids(Path file) {
    try {
      if (!Files.exists(file)) {
        return List.of();
      }
      List<Long> out = new ArrayList<>();
      for (String line : Files.readAllLines(file)) {
        String[] f = line.trim().split("\\s+");
        if (!line.isBlank()) {
          out.add(Long.parseLong(f[f.length - 1]));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Alive: /proc/PID exists and it is no zombie. */
  public static boolean alive(long pid) {
    long g = SupervisedProcess.ProcessGroups.groupOf(pid);
    return g != -1;
  }

  /** Some live process is in group {@code pgid}. */
  public static boolean groupAlive(long pgid) {
    return SupervisedProcess.ProcessGroups.alive(pgid);
  }

  public static void waitUntil(java.util.function.BooleanSupplier c, Duration within, String what) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + within.toMillis() + " ms for " + what);
      }
      Thread.sleep(20);
    }
  }
}
