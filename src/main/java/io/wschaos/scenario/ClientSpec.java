package io.wschaos.scenario;

import java.time.Duration;
import java.util.Map;

/**
 * The real client under test: a command (started once per instance, with WSCHAOS_URL,
 * WSCHAOS_INSTANCE, WSCHAOS_SCENARIO, WSCHAOS_SEED and {@code env}) or an external one.
 *
 * @param instances more than 1 for herd tests; each instance gets its own proxy port
 * @param waitFor how long an external client may take to connect (default 60 s)
 */
public record ClientSpec(String command, int instances, boolean external, Duration waitFor, Map<String, String> env) {}
