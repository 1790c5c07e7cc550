package io.wschaos.scenario;

import java.time.Duration;
import java.util.Map;

/**
 * The real client under test: a command (started once per instance, with WSCHAOS_URL,
 * WSCHAOS_INSTANCE, WSCHAOS_SCENARIO, WSCHAOS_SEED and {@code env}), a page in headless Chromium
 * ({@code browser}), or an external one. None of them ({@code command} and {@code browser} null,
 * {@code external} false): the scenario leaves the client to {@code wschaos run --client}.
 *
 * @param instances more than 1 for herd tests; each instance gets its own proxy port (a browser: its own context)
 * @param waitFor how long an external client may take to connect (default 60 s); null unless external
 * @param env a command's extra environment; a page gets these as query parameters
 * @param browser the page to open in headless Chromium, or null for a process or external client
 */
public record ClientSpec(String command, int instances, boolean external, Duration waitFor, Map<String, String> env, BrowserSpec browser) {
  public ClientSpec(String command, int instances, boolean external, Duration waitFor, Map<String, String> env) {
    this(command, instances, external, waitFor, env, null);
  }

  /** True when the scenario names no client and {@code wschaos run --client} must give one. */
  public boolean fromCommandLine() {
    return command == null && !external && browser == null;
  }

  /** True for a page in headless Chromium. */
  public boolean isBrowser() {
    return browser != null;
  }

  /**
   * A page in headless Chromium: exactly one of {@code page} (a local HTML file, served on
   * 127.0.0.1 from its folder) and {@code url} (an http(s) page already served elsewhere).
   */
  public record BrowserSpec(String page, String url) {
    /** What the page is, for messages: the file or the URL. */
    public String describe() {
      return page != null ? page : url;
    }
  }
}
