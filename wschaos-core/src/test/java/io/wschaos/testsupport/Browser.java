package io.wschaos.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * Headless Chromium for the viewer tests: Debian's /usr/bin/chromium driven by
 * src/test/node/viewer-check.js (playwright-core, no browser download). A missing Chromium fails
 * the test, unless WSCHAOS_SKIP_BROWSER=1 is set explicitly.
 */
public final class Browser {
  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

  private Browser() {}

  /** Fails (or, with WSCHAOS_SKIP_BROWSER=1, aborts) when Chromium or playwright-core is missing. */
  public static void require() {
    boolean skip = "1".equals(System.getenv("WSCHAOS_SKIP_BROWSER"));
    String missing = null;
    if (!Files.isExecutable(CHROMIUM)) {
      missing = CHROMIUM + " is missing: install Debian's chromium and chromium-driver (.ci/run does)";
    } else if (!Files.isRegularFile(NodeProcess.projectRoot().resolve("node_modules/playwright-core/package.json"))) {
      missing = "node_modules/playwright-core is missing: run `npm ci`";
    }
    if (missing != null) {
      if (skip) {
        Assumptions.abort("WSCHAOS_SKIP_BROWSER=1: " + missing);
      }
      fail(missing + " (set WSCHAOS_SKIP_BROWSER=1 to skip the browser tests explicitly)");
    }
  }

  /** Where screenshots go: target/viewer-screenshots/NAME. */
  public static Path shots(String name) {
    return NodeProcess.projectRoot().resolve("target/viewer-screenshots").resolve(name);
  }

  /**
   * Runs viewer-check.js with {@code args}, waits for its {@code done} line and returns every JSON
   * line; the node process and the whole browser tree are gone when this returns.
   */
  public static List<JsonNode> run(Duration timeout, String... args) {
    require();
    NodeProcess node = NodeProcess.start("wschaos-core/src/test/node/viewer-check.js", args);
    List<ProcessHandle> family = new ArrayList<>();
    try {
      JsonNode last = node.awaitJson("done or error", j -> j.path("event").asText().matches("done|error"), timeout);
      if (!"done".equals(last.path("event").asText())) {
        fail("viewer-check " + String.join(" ", args) + ": " + last.path("message").asText() + "\n" + node.describe());
      }
      return node.allJson();
    } finally {
      ProcessHandle.of(node.pid()).ifPresent(h -> h.descendants().forEach(family::add));
      for (JsonNode j : node.events("browser")) {
        j.path("pids").forEach(p -> ProcessHandle.of(p.asLong()).ifPresent(family::add));
      }
      node.close();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (family.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      family.forEach(h -> {
        if (h.isAlive()) {
          h.destroyForcibly();
        }
      });
      assertEquals(List.of(), family.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList(), "browser processes left behind");
    }
  }

  /** The first line whose event is {@code event}. */
  public static JsonNode event(List<JsonNode> lines, String event) {
    return lines.stream().filter(j -> event.equals(j.path("event").asText())).findFirst()
        .orElseThrow(() -> new AssertionError("no " + event + " line in " + lines));
  }
}
