package io.wschaos.scenario;

import java.time.Duration;

/** Proxy settings of a scenario. {@code idleTimeout}: cut links idle that long, like a reverse proxy; null = off. */
public record ProxySpec(Duration idleTimeout) {}
