package io.wschaos.scenario;

import java.time.Duration;
import java.util.Map;

/**
 * The real upstream: exactly one of {@code builtin}, {@code url} or {@code command}.
 *
 * @param builtin the embedded server's name ({@code feed}), with {@code options} (rate, resend_after, require_token)
 * @param url an already running server, ws:// or wss://
 * @param command started and stopped by the runner under /bin/sh -c; gets PORT in its environment
 * @param port fixes the command's port instead of a free one
 * @param readyTimeout how long the command's port may take to accept connections
 * @param path the WebSocket path on a command server (default /)
 */
public record ServerSpec(
    String builtin,
    Map<String, Object> options,
    String url,
    String command,
    Integer port,
    Duration readyTimeout,
    String path,
    Map<String, String> env) {}
