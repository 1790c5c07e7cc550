package io.wschaos.junit5;

import static io.wschaos.embed.End.close;
import static io.wschaos.embed.Expect.reconnect;
import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.wschaos.embed.Events;
import io.wschaos.embed.Expect;
import io.wschaos.embed.Fault;
import io.wschaos.embed.Feed;
import io.wschaos.embed.On;
import io.wschaos.embed.Side;
import io.wschaos.embed.WsChaosAssertions;
import io.wschaos.embed.WsChaosProxy;
import io.wschaos.testsupport.JdkClient;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The extension through its public surface: sample test classes (nested here so that Surefire does
 * not run them alone) are run by the JUnit Platform launcher, and what they leave behind is checked —
 * verdicts, files, failure messages, and that nothing runs after the class.
 */
@Timeout(120)
class WsChaosExtensionTest {
  /** Ports the samples saw, to check they are closed after the class. */
  static final Set<Integer> PORTS = ConcurrentHashMap.newKeySet();
  static final Map<String, Object> SEEN = new ConcurrentHashMap<>();

  private static final Expect RECONNECT = reconnect().after(close(1001)).within(ofSeconds(1));
  private static final Fault RESTART = Fault.close(1001).to(Side.CLIENT).on(On.open(1)).after(ofMillis(300));

  /** Per test, builtin feed from the annotation: one client that reconnects (passes), one that does not (fails). */
  @WsChaos(upstream = "builtin:feed", feedRate = 20, verifyTimeoutMillis = 8_000)
  @TestMethodOrder(MethodOrderer.MethodName.class)
  static class AnnotatedSample {
    @Test
    void a_reconnectingClientPasses(WsChaosProxy proxy, Feed feed) {
      PORTS.add(proxy.url().getPort());
      PORTS.add(feed.port());
      proxy.faults().add("restart", RESTART);
      try (JdkClient client = new JdkClient(proxy.url(), ofMillis(300), 2).start()) {
        WsChaosAssertions.assertThat(proxy).satisfies(RECONNECT);
      }
    }

    @Test
    void b_aClientThatNeverReconnectsFails(WsChaosProxy proxy) {
      PORTS.add(proxy.url().getPort());
      SEEN.put("b-proxy", proxy);
      proxy.faults().add("restart", RESTART);
      try (JdkClient client = new JdkClient(proxy.url(), null, 1).start()) {
        WsChaosAssertions.assertThat(proxy).satisfies(RECONNECT);
      }
    }
  }

  /** One proxy for the class, as a field: faults and timeline are reset between tests. */
  @TestMethodOrder(MethodOrderer.MethodName.class)
  static class FieldSample {
    @RegisterExtension
    static WsChaosExtension chaos = WsChaosExtension.feed().perClass().feedRate(20);

    @Test
    void a_armsAFaultAndMakesTraffic() {
      WsChaosProxy proxy = chaos.proxy();
      SEEN.put("class-proxy", proxy);
      PORTS.add(proxy.url().getPort());
      PORTS.add(chaos.feedServer().port());
      proxy.faults().add(Fault.delay(Side.CLIENT, ofMillis(50)));
      try (JdkClient client = new JdkClient(proxy.url(), null, 1).start()) {
        proxy.await(Events.message(Side.CLIENT).nth(3), ofSeconds(5));
      }
    }

    @Test
    void b_startsClean(WsChaosProxy proxy) {
      SEEN.put("b-same-proxy", proxy == SEEN.get("class-proxy"));
      SEEN.put("b-faults", proxy.faults().list().size());
      SEEN.put("b-first-kind", proxy.timeline().get(0).kind());
      SEEN.put("b-attempts", proxy.timeline().stream().filter(e -> e.kind().equals("attempt")).count());
    }

    @AfterEach
    void injectedIntoLifecycleMethodsToo(WsChaosProxy proxy) {
      assertTrue(proxy == chaos.proxy());
    }
  }

  /** A parameterized test against a fixed upstream: one proxy, and one timeline file, per invocation. */
  static class ParameterizedSample {
    @RegisterExtension
    static WsChaosExtension chaos = WsChaosExtension.upstream(() -> URI.create("ws://127.0.0.1:9/"));

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void probe(int n, WsChaosProxy proxy) {
      PORTS.add(proxy.url().getPort());
      SEEN.put("param-proxy-" + n, proxy);
    }
  }

  private static TestExecutionSummary run(Class<?> sample, Path reports) {
    String before = System.getProperty(WsChaosExtension.REPORT_DIR_PROPERTY);
    System.setProperty(WsChaosExtension.REPORT_DIR_PROPERTY, reports.toString());
    try {
      LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(sample)).build();
      Launcher launcher = LauncherFactory.create();
      SummaryGeneratingListener listener = new SummaryGeneratingListener();
      launcher.execute(request, listener);
      return listener.getSummary();
    } finally {
      if (before == null) {
        System.clearProperty(WsChaosExtension.REPORT_DIR_PROPERTY);
      } else {
        System.setProperty(WsChaosExtension.REPORT_DIR_PROPERTY, before);
      }
    }
  }

  @Test
  void annotatedClassGetsAProxyPerTestAndAReportForTheFailingOne(@TempDir Path reports) throws Exception {
    PORTS.clear();
    TestExecutionSummary s = run(AnnotatedSample.class, reports);
    assertEquals(2, s.getTestsStartedCount());
    assertEquals(1, s.getTestsSucceededCount(), () -> failures(s));
    assertEquals(1, s.getTestsFailedCount());

    Throwable failure = s.getFailures().get(0).getException();
    assertTrue(failure.getMessage().contains("verdict: fail"), failure.getMessage());
    assertTrue(failure.getMessage().contains("timeline ("), failure.getMessage());
    assertTrue(failure.getMessage().contains("wschaos timeline report of this test: file:")
        && failure.getMessage().contains("AnnotatedSample.b_aClientThatNeverReconnectsFails.html"), failure.getMessage());

    assertEquals(List.of("AnnotatedSample.a_reconnectingClientPasses.jsonl", "AnnotatedSample.b_aClientThatNeverReconnectsFails.html",
        "AnnotatedSample.b_aClientThatNeverReconnectsFails.jsonl"), files(reports));
    String jsonl = Files.readString(reports.resolve("AnnotatedSample.b_aClientThatNeverReconnectsFails.jsonl"));
    assertTrue(jsonl.contains("\"kind\":\"verdict\"") && jsonl.contains("\"status\":\"fail\""), "the verdict is on the timeline");
    assertTrue(Files.readString(reports.resolve("AnnotatedSample.b_aClientThatNeverReconnectsFails.html")).contains("none came"));
    assertNothingLeftRunning();
  }

  @Test
  void fieldExtensionSharesOneProxyPerClassAndResetsItBetweenTests(@TempDir Path reports) throws Exception {
    PORTS.clear();
    TestExecutionSummary s = run(FieldSample.class, reports);
    assertEquals(2, s.getTestsSucceededCount(), () -> failures(s));
    assertEquals(true, SEEN.get("b-same-proxy"));
    assertEquals(0, SEEN.get("b-faults"), "faults are reset between tests");
    assertEquals("scenario", SEEN.get("b-first-kind"), "the second test's timeline begins at its own header");
    assertEquals(0L, SEEN.get("b-attempts"), "the first test's links are not in the second test's timeline");
    assertEquals(List.of("FieldSample.a_armsAFaultAndMakesTraffic.jsonl", "FieldSample.b_startsClean.jsonl"), files(reports));
    assertNothingLeftRunning();
  }

  @Test
  void eachInvocationOfATemplateGetsItsOwnProxyAndFile(@TempDir Path reports) throws Exception {
    PORTS.clear();
    TestExecutionSummary s = run(ParameterizedSample.class, reports);
    assertEquals(2, s.getTestsSucceededCount(), () -> failures(s));
    assertTrue(SEEN.get("param-proxy-1") != SEEN.get("param-proxy-2"));
    assertEquals(List.of("ParameterizedSample.probe-1.jsonl", "ParameterizedSample.probe-2.jsonl"), files(reports));
    assertNothingLeftRunning();
  }

  private static void assertNothingLeftRunning() throws InterruptedException {
    assertFalse(PORTS.isEmpty());
    for (int port : PORTS) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        throw new AssertionError("port " + port + " still accepts connections after the class");
      } catch (IOException expected) {
        // refused: closed
      }
    }
    List<String> left = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      left = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
          .filter(n -> n.startsWith("vert.x-eventloop") || n.startsWith("vert.x-worker") || n.startsWith("vert.x-acceptor")).toList();
      if (left.isEmpty()) {
        break;
      }
      Thread.sleep(100);
    }
    assertEquals(List.of(), left, "Vert.x threads after the class");
  }

  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static String failures(TestExecutionSummary s) {
    StringBuilder b = new StringBuilder();
    s.getFailures().forEach(f -> b.append(f.getTestIdentifier().getDisplayName()).append(": ").append(f.getException()).append('\n'));
    return b.toString();
  }
}
