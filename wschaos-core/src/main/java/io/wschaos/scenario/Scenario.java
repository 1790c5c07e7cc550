package io.wschaos.scenario;

import io.wschaos.expect.Messages;
import io.wschaos.fault.FaultSpec;
import io.wschaos.spec.Tolerance;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One validated scenario file (DESIGN.md, Scenario files): who plays (server, client), what goes
 * wrong (faults), and what the client must do about it (expectations).
 *
 * @param file where it was read from (null when built in code)
 * @param seed every random choice in the scenario derives from it
 * @param duration the hard stop; the run ends earlier once every verdict is final
 * @param tolerance the default leniency of duration comparisons (100 ms + 5 %)
 */
public record Scenario(
    Path file,
    String name,
    String description,
    List<String> tags,
    long seed,
    ServerSpec server,
    ClientSpec client,
    ProxySpec proxy,
    Duration duration,
    Tolerance tolerance,
    Messages messages,
    List<FaultSpec> faults,
    List<ExpectationSpec> expectations) {}
