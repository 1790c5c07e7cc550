package io.wschaos.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wschaos.fault.DeviceControl;
import io.wschaos.scenario.ClientSpec;
import io.wschaos.timeline.EventBody;
import io.wschaos.timeline.Timeline;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A browser client ({@code client: {browser: {page | url}}}): one supervised Node process, the
 * driver shipped in this jar ({@code browser-driver.js}), that starts headless Chromium through
 * playwright-core and opens the page once per instance, each in its own browser context, with
 * {@code WSCHAOS_URL} (the instance's proxy port) as a query parameter and as
 * {@code window.WSCHAOS_URL} before any page script runs. The page's output goes on the timeline
 * like a process client's: console lines as {@code client} events {@code stdout} ({@code stderr}
 * for console.error and uncaught errors) on the instance; a crashed page as {@code exited} (no
 * code, line "crashed"). A browser that cannot start, or a page that cannot be opened, is an
 * environment error with the driver's one-line reason. Device faults reach the pages through
 * {@link DeviceControl}; the driver confirms each change, and the confirmation is recorded as the
 * fault's {@code applied} or {@code lifted} event on the instance.
 *
 * <p>Environment the driver reads: WSCHAOS_CHROMIUM (default /usr/bin/chromium), WSCHAOS_CA_SPKI
 * (adds {@code --ignore-certificate-errors-spki-list}), WSCHAOS_CHROMIUM_FLAGS (extra flags);
 * the runner passes {@code client.env} entries of those names through to it and the others to the
 * page as query parameters.
 */
final class BrowserClient implements DeviceControl {
  static final String DRIVER = "browser-driver.js";
  /** Driver environment variables: given in client.env they configure the driver, not the page. */
  static final Set<String> DRIVER_ENV = Set.of("WSCHAOS_CHROMIUM", "WSCHAOS_CA_SPKI", "WSCHAOS_CHROMIUM_FLAGS");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static volatile Path extracted;

  private final Timeline timeline;
  private final int instances;
  private final Consumer<String> failed;
  private final Map<String, String> names = new ConcurrentHashMap<>();
  private final List<Long> browserPids = new ArrayList<>();
  private volatile SupervisedProcess process;

  private final List<String> pending = new ArrayList<>();
  private final java.util.concurrent.CountDownLatch launched = new java.util.concurrent.CountDownLatch(1);
  private volatile String fatal;

  /** A browser client of {@code instances} pages, not started yet: device faults may be armed on it already. */
  BrowserClient(Timeline timeline, int instances, Consumer<String> failed) {
    this.timeline = timeline;
    this.instances = instances;
    this.failed = failed;
  }

  /**
   * Starts the driver. {@code urls.get(i - 1)} is instance i's proxy URL; {@code query} goes onto
   * the page's URL besides WSCHAOS_URL and WSCHAOS_INSTANCE.
   */
  void start(ProcessSupervisor processes, ClientSpec.BrowserSpec spec, List<String> urls,
      Map<String, String> query, Map<String, String> env, Path directory) throws EnvironmentException {
    BrowserClient b = this;
    ObjectNode config = JSON.createObjectNode();
    ArrayNode list = config.putArray("instances");
    for (int i = 1; i <= urls.size(); i++) {
      list.addObject().put("instance", i).put("url", urls.get(i - 1));
    }
    if (spec.page() != null) {
      Path page = directory == null ? Path.of(spec.page()) : directory.resolve(spec.page());
      if (!Files.isRegularFile(page)) {
        throw new EnvironmentException("client.browser.page: " + spec.page() + " does not exist (" + page.toAbsolutePath().normalize() + ")");
      }
      config.put("page", page.toAbsolutePath().normalize().toString());
    } else {
      config.put("url", spec.url());
    }
    ObjectNode q = config.putObject("query");
    query.forEach(q::put);
    Map<String, String> driverEnv = new LinkedHashMap<>(env);
    driverEnv.put("WSCHAOS_DRIVER_CONFIG", config.toString());
    SupervisedProcess p = processes.start("client (browser)", "exec node " + shellQuote(driver().toString()), driverEnv, directory, b::record, true);
    synchronized (this) {
      process = p;
      pending.forEach(p::send); // device faults that fired before the driver was there
      pending.clear();
    }
  }

  /**
   * Waits until Chromium runs (the pages are not open yet); an environment error when it cannot
   * start, or the driver ends first, or {@code within} runs out.
   */
  void awaitLaunch(java.time.Duration within) throws EnvironmentException {
    long deadline = System.nanoTime() + within.toNanos();
    try {
      while (!launched.await(50, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        if (!process.isAlive()) {
          launched.await(500, java.util.concurrent.TimeUnit.MILLISECONDS); // its last line may still be on its way
          if (fatal == null && launched.getCount() > 0) {
            List<String> tail = process.tail();
            throw new EnvironmentException("browser client: the driver ended before Chromium ran"
                + (tail.isEmpty() ? "" : ": " + tail.get(tail.size() - 1)));
          }
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new EnvironmentException("browser client: Chromium did not start within " + within.toSeconds() + " s");
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EnvironmentException("interrupted");
    }
    if (fatal != null) {
      throw new EnvironmentException(fatal);
    }
  }

  /** Opens the pages: the scenario clock runs. */
  void openPages() {
    process.send("{\"cmd\":\"open\"}");
  }

  /** The driver, copied out of the jar once per JVM (Node cannot read a file inside a jar). */
  static synchronized Path driver() throws EnvironmentException {
    if (extracted != null && Files.isRegularFile(extracted)) {
      return extracted;
    }
    try (InputStream in = BrowserClient.class.getResourceAsStream(DRIVER)) {
      if (in == null) {
        throw new EnvironmentException("the browser driver " + DRIVER + " is missing from the wschaos jar");
      }
      Path dir = Files.createTempDirectory("wschaos-browser-");
      Path file = dir.resolve(DRIVER);
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      file.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      extracted = file;
      return file;
    } catch (IOException e) {
      throw new EnvironmentException("cannot write the browser driver to a temporary folder: " + e.getMessage(), e);
    }
  }

  private static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  synchronized SupervisedProcess process() {
    return process;
  }

  /** The browser's processes, as the driver reported them after launch. */
  synchronized List<Long> browserPids() {
    return List.copyOf(browserPids);
  }

  /**
   * After the driver's process group was stopped: Chromium's helpers that left the group (its
   * zygotes run in their own) get {@code within} to exit with the browser, then KILL. Nothing the
   * browser started outlives the run.
   */
  void reap(java.time.Duration within) {
    List<ProcessHandle> left = new ArrayList<>();
    for (long pid : browserPids()) {
      ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(left::add);
    }
    long deadline = System.nanoTime() + within.toNanos();
    while (left.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    left.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  @Override
  public int instances() {
    return instances;
  }

  @Override
  public void set(String faultId, String faultName, Condition condition, boolean on, int client, Map<String, Number> params) {
    names.put(faultId, faultName);
    ObjectNode c = JSON.createObjectNode().put("cmd", "set").put("fault", faultId).put("name", faultName)
        .put("condition", condition.name()).put("on", on).put("instance", client);
    ObjectNode p = c.putObject("params");
    params.forEach((k, v) -> p.put(k, v.doubleValue()));
    synchronized (this) {
      if (process == null) {
        pending.add(c.toString());
        return;
      }
    }
    if (!process.send(c.toString())) {
      timeline.record(0, client, new EventBody.Fault(faultId, faultName, "skipped", null, null, "the browser is gone"));
    }
  }

  // ---- the driver's output ----

  private void record(String action, Long pid, Integer code, String line) {
    if (!"stdout".equals(action) || line == null || !line.startsWith("{")) {
      // the driver's own life and output (spawned, exited, a Node error): every instance's, as a process client's would be
      for (int i = 1; i <= instances; i++) {
        timeline.record(0, i, new EventBody.ClientProcess(action, pid, code, line));
      }
      return;
    }
    JsonNode j;
    try {
      j = JSON.readTree(line);
    } catch (IOException e) {
      for (int i = 1; i <= instances; i++) {
        timeline.record(0, i, new EventBody.ClientProcess("stdout", null, null, line));
      }
      return;
    }
    int instance = j.path("instance").asInt(0);
    switch (j.path("event").asText()) {
      case "console" -> timeline.record(0, instance, new EventBody.ClientProcess(
          "error".equals(j.path("level").asText()) ? "stderr" : "stdout", null, null, j.path("text").asText()));
      case "pageerror" -> timeline.record(0, instance, new EventBody.ClientProcess("stderr", null, null, j.path("text").asText()));
      case "crash" -> timeline.record(0, instance, new EventBody.ClientProcess("exited", null, null, "crashed (the page's renderer died)"));
      case "device" -> timeline.record(0, instance, new EventBody.Fault(
          j.path("fault").asText(), j.path("name").asText(), j.path("on").asBoolean() ? "applied" : "lifted", null, null, j.path("detail").asText()));
      case "device_error" -> timeline.record(0, instance, new EventBody.Fault(
          j.path("fault").asText(), names.getOrDefault(j.path("fault").asText(), j.path("name").asText()), "failed", null, null, j.path("message").asText()));
      case "fatal" -> {
        fatal = "browser client: " + j.path("reason").asText();
        failed.accept(fatal);
        launched.countDown();
      }
      case "browser" -> {
        synchronized (this) {
          j.path("pids").forEach(x -> browserPids.add(x.asLong()));
        }
        List<String> pids = new ArrayList<>();
        j.path("pids").forEach(x -> pids.add(x.asText()));
        timeline.record(0, 0, new EventBody.ClientProcess("stdout", null, null,
            "Chromium " + j.path("version").asText() + " started (pids " + String.join(" ", pids) + ")"));
        launched.countDown();
      }
      case "pids" -> {
        List<String> pids = new ArrayList<>();
        synchronized (this) {
          j.path("pids").forEach(x -> {
            if (!browserPids.contains(x.asLong())) {
              browserPids.add(x.asLong());
            }
            pids.add(x.asText());
          });
        }
        timeline.record(0, 0, new EventBody.ClientProcess("stdout", null, null, "Chromium processes with the pages open (pids " + String.join(" ", pids) + ")"));
      }
      case "ready" -> timeline.record(0, instance, new EventBody.ClientProcess("stdout", null, null, "page opened: " + j.path("url").asText()));
      default -> timeline.record(0, instance, new EventBody.ClientProcess("stdout", null, null, line));
    }
  }
}
