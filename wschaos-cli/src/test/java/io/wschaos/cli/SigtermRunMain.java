package io.wschaos.cli;

import static io.wschaos.runner.Scenarios.client;
import static io.wschaos.runner.Scenarios.command;
import static io.wschaos.runner.Scenarios.expect;
import static io.wschaos.runner.Scenarios.nodeClient;
import static io.wschaos.runner.Scenarios.scenario;

import io.wschaos.runner.Scenarios;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code wschaos run} in a JVM of its own, for {@link RunnerSigtermTest}: one scenario behind the
 * loader seam with a command server and a client that leaves grandchildren, never ending by itself.
 * Every process appends its pid to {@code DIR/pids}.
 *
 * <p>args: DIR NODE_MODULES
 */
public final class SigtermRunMain {
  private SigtermRunMain() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    Map<String, String> env = new HashMap<>();
    env.put("NODE_PATH", args[1]);
    env.put("PIDS", dir.resolve("pids").toString());
    String client = "echo \"sh $$\" >> \"$PIDS\"; sh -c 'echo \"inner $$\" >> \"$PIDS\"; sleep 300 & echo \"sleep $!\" >> \"$PIDS\"; sleep 300' & "
        + nodeClient(dir);
    Wiring wiring = Wiring.builtin().withLoader(paths -> List.of(scenario("sigterm", command("node " + dir.resolve("server.js"), null, null, env),
        client(client, 1, env), Duration.ofSeconds(60), List.of(), expect("never", Scenarios.neverFinal()))));
    System.exit(Main.run(wiring, new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), "run", "sigterm.yaml"));
  }
}
