package io.wschaos.junit5;

import io.wschaos.embed.Fault;
import io.wschaos.embed.Feed;
import io.wschaos.embed.WsChaosProxy;
import java.lang.reflect.Executable;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 extension behind {@link WsChaos}, also usable as a field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static WsChaosExtension chaos = WsChaosExtension.feed();          // or .upstream("ws://127.0.0.1:9000")
 *
 * @Test void reconnects() { WsChaosProxy proxy = chaos.proxy(); … }
 * }</pre>
 *
 * <ul>
 *   <li>a started proxy per test (default) or per class ({@link #perClass()}), injected as a
 *       {@link WsChaosProxy} parameter (tests, {@code @BeforeEach}/{@code @AfterEach}, and with a
 *       class proxy also constructors and {@code @BeforeAll}) or read with {@link #proxy()};
 *   <li>with a class proxy, every fault is removed and a new epoch begins before each test
 *       ({@link WsChaosProxy#reset()}): timelines and verdicts are the test's own;
 *   <li>after each test its timeline goes to {@code target/wschaos/<Class>.<method>.jsonl}, and a
 *       failing test also gets {@code <Class>.<method>.html}, the timeline report, named in the
 *       failure as a suppressed exception;
 *   <li>after the class nothing is left running: proxies, the builtin feed server, their threads.
 * </ul>
 */
public final class WsChaosExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver,
        TestExecutionExceptionHandler {
  /** The {@code upstream} that starts the builtin feed server for the class. */
  public static final String BUILTIN_FEED = "builtin:feed";
  /** Overrides every report directory (for CI layouts). */
  public static final String REPORT_DIR_PROPERTY = "wschaos.reportDir";

  private final Settings fixed; // null: read the @WsChaos of the test class
  private final ExtensionContext.Namespace namespace;
  private volatile WsChaosProxy current;
  private volatile Feed currentFeed;

  /** What one extension starts; set once, while the field is declared. */
  private static final class Settings {
    Supplier<URI> upstream;
    boolean feed;
    boolean perClass;
    long seed;
    int clients = 1;
    final List<Object> faults = new ArrayList<>();
    Path reportDir = Path.of("target", "wschaos");
    double feedRate = 10;
    String messages;
    Duration verifyTimeout = WsChaosProxy.DEFAULT_VERIFY_TIMEOUT;
    Consumer<WsChaosProxy.Builder> configure = b -> {};
  }

  /** Used by {@link WsChaos}: the settings come from the annotation. */
  public WsChaosExtension() {
    this(null);
  }

  private WsChaosExtension(Settings fixed) {
    this.fixed = fixed;
    // a field's extension keeps its state apart from any other one's (namespace parts compare by equals: identity here)
    this.namespace = fixed == null ? ExtensionContext.Namespace.create(WsChaosExtension.class)
        : ExtensionContext.Namespace.create(WsChaosExtension.class, this);
  }

  // ---- building one as a field ----

  /** A proxy in front of {@code upstream} ({@code ws://…}, or {@link #BUILTIN_FEED}). */
  public static WsChaosExtension upstream(String upstream) {
    Objects.requireNonNull(upstream, "upstream");
    if (BUILTIN_FEED.equals(upstream.trim())) {
      return feed();
    }
    URI uri = URI.create(upstream);
    return upstream(() -> uri);
  }

  public static WsChaosExtension upstream(URI upstream) {
    Objects.requireNonNull(upstream, "upstream");
    return upstream(() -> upstream);
  }

  /** A proxy in front of an upstream known only when the class starts (a server another extension starts). */
  public static WsChaosExtension upstream(Supplier<URI> upstream) {
    return new WsChaosExtension(defaults(Objects.requireNonNull(upstream, "upstream"), false));
  }

  /** A proxy in front of the builtin feed server, started for the class ({@link #feedServer()}). */
  public static WsChaosExtension feed() {
    return new WsChaosExtension(defaults(null, true));
  }

  private static Settings defaults(Supplier<URI> upstream, boolean feed) {
    Settings s = new Settings();
    s.upstream = upstream;
    s.feed = feed;
    return s;
  }

  private WsChaosExtension change(Consumer<Settings> c) {
    if (fixed == null) {
      throw new IllegalStateException("configure @WsChaos through its attributes");
    }
    c.accept(fixed);
    return this;
  }

  /** One proxy for the whole class, reset before each test. */
  public WsChaosExtension perClass() {
    return change(s -> s.perClass = true);
  }

  public WsChaosExtension seed(long seed) {
    return change(s -> s.seed = seed);
  }

  /** Logical clients, each with its own port ({@code proxy.url(i)}). */
  public WsChaosExtension clients(int n) {
    return change(s -> s.clients = n);
  }

  /** A fault armed at the start of every test. */
  public WsChaosExtension fault(Fault fault) {
    return change(s -> s.faults.add(Objects.requireNonNull(fault, "fault")));
  }

  /** A fault entry in YAML or JSON armed at the start of every test. */
  public WsChaosExtension fault(String entry) {
    return change(s -> s.faults.add(Objects.requireNonNull(entry, "entry")));
  }

  /** The scenario schema's {@code messages:} block, in YAML or JSON ({@code WsChaosProxy.Builder#messages}). */
  public WsChaosExtension messages(String block) {
    return change(s -> s.messages = Objects.requireNonNull(block, "messages"));
  }

  /** Where timelines and reports go (default {@code target/wschaos}). */
  public WsChaosExtension reportDir(Path dir) {
    return change(s -> s.reportDir = Objects.requireNonNull(dir, "dir"));
  }

  /** Messages per second of the builtin feed server. */
  public WsChaosExtension feedRate(double perSecond) {
    return change(s -> s.feedRate = perSecond);
  }

  /** How long {@code verify} waits at most for a verdict to settle. */
  public WsChaosExtension verifyTimeout(Duration d) {
    return change(s -> s.verifyTimeout = Objects.requireNonNull(d, "verifyTimeout"));
  }

  /** Anything else of the proxy's builder (tolerance, listen address…). */
  public WsChaosExtension configure(Consumer<WsChaosProxy.Builder> configure) {
    return change(s -> s.configure = Objects.requireNonNull(configure, "configure"));
  }

  /** The proxy of the running test (or class). */
  public WsChaosProxy proxy() {
    WsChaosProxy p = current;
    if (p == null) {
      throw new IllegalStateException("no wschaos proxy is running: proxy() is for tests and lifecycle methods of the class");
    }
    return p;
  }

  /** The builtin feed server of the class (with {@link #feed()} or {@code upstream = "builtin:feed"}). */
  public Feed feedServer() {
    Feed f = currentFeed;
    if (f == null) {
      throw new IllegalStateException("no builtin feed server: use WsChaosExtension.feed() or @WsChaos(upstream = \"builtin:feed\")");
    }
    return f;
  }

  // ---- the lifecycle ----

  @Override
  public void beforeAll(ExtensionContext ctx) {
    classState(ctx);
  }

  @Override
  public void beforeEach(ExtensionContext ctx) {
    ClassState cs = classState(ctx);
    WsChaosProxy proxy;
    if (cs.settings.perClass) {
      proxy = cs.proxy;
      proxy.reset();
      armFaults(proxy, cs.settings);
    } else {
      proxy = startProxy(cs, testName(ctx));
      ctx.getStore(namespace).put(TestProxy.class, new TestProxy(proxy));
    }
    current = proxy;
  }

  /**
   * Names the HTML report of a failing test in its failure: appended to the message of a plain
   * {@link AssertionError} (what {@code WsChaosAssertions} throws), else as a suppressed exception.
   */
  @Override
  public void handleTestExecutionException(ExtensionContext ctx, Throwable failure) throws Throwable {
    ClassState cs = classState(ctx);
    Path html = reportDir(cs.settings).resolve(testName(ctx) + ".html").toAbsolutePath();
    String line = "wschaos timeline report of this test: " + html.toUri();
    if (failure.getClass() == AssertionError.class) {
      AssertionError named = new AssertionError(String.valueOf(failure.getMessage()).stripTrailing() + "\n  " + line, failure.getCause());
      named.setStackTrace(failure.getStackTrace());
      for (Throwable s : failure.getSuppressed()) {
        named.addSuppressed(s);
      }
      throw named;
    }
    failure.addSuppressed(new WsChaosReport(line));
    throw failure;
  }

  @Override
  public void afterEach(ExtensionContext ctx) {
    ClassState cs = classState(ctx);
    WsChaosProxy proxy = current;
    try {
      if (proxy != null) {
        Path dir = reportDir(cs.settings);
        String name = testName(ctx);
        if (ctx.getExecutionException().isPresent()) {
          Path html = proxy.writeReport(dir, name);
          System.err.println("wschaos: " + ctx.getDisplayName() + " failed; timeline report " + html.toAbsolutePath());
        } else {
          proxy.writeTimeline(dir.resolve(name + ".jsonl"));
        }
      }
    } finally {
      TestProxy tp = ctx.getStore(namespace).remove(TestProxy.class, TestProxy.class);
      if (tp != null) {
        tp.close();
      }
      current = cs.settings.perClass ? cs.proxy : null;
    }
  }

  @Override
  public void afterAll(ExtensionContext ctx) {
    ClassState cs = ctx.getStore(namespace).remove(ClassState.class, ClassState.class);
    if (cs != null) {
      cs.close();
    }
    current = null;
    currentFeed = null;
  }

  // ---- parameters ----

  @Override
  public boolean supportsParameter(ParameterContext pc, ExtensionContext ctx) {
    Class<?> type = pc.getParameter().getType();
    return type == WsChaosProxy.class || type == Feed.class && settings(ctx).feed;
  }

  @Override
  public Object resolveParameter(ParameterContext pc, ExtensionContext ctx) {
    ClassState cs = classState(ctx);
    if (pc.getParameter().getType() == Feed.class) {
      return cs.feed;
    }
    Executable where = pc.getDeclaringExecutable();
    boolean perTestContext = ctx.getTestMethod().isPresent();
    if (cs.settings.perClass) {
      return cs.proxy;
    }
    if (!perTestContext) {
      throw new ParameterResolutionException("wschaos: " + where + " asks for a WsChaosProxy outside a test, but the proxy is per test;"
          + " use lifecycle = PER_CLASS (or perClass()) to share one across the class");
    }
    TestProxy tp = ctx.getStore(namespace).get(TestProxy.class, TestProxy.class);
    if (tp == null) {
      throw new ParameterResolutionException("wschaos: no proxy for " + ctx.getDisplayName() + " yet");
    }
    return tp.proxy;
  }

  // ---- state ----

  /** What lives as long as the class: the settings, the builtin feed server, the class proxy. */
  private static final class ClassState implements ExtensionContext.Store.CloseableResource {
    final Settings settings;
    Feed feed;
    WsChaosProxy proxy;

    ClassState(Settings settings) {
      this.settings = settings;
    }

    @Override
    public void close() {
      if (proxy != null) {
        proxy.close();
        proxy = null;
      }
      if (feed != null) {
        feed.close();
        feed = null;
      }
    }
  }

  /** A test's own proxy, closed with the test. */
  private record TestProxy(WsChaosProxy proxy) implements ExtensionContext.Store.CloseableResource {
    @Override
    public void close() {
      proxy.close();
    }
  }

  private ClassState classState(ExtensionContext ctx) {
    ExtensionContext classCtx = classContext(ctx);
    return classCtx.getStore(namespace).getOrComputeIfAbsent(ClassState.class, k -> startClass(classCtx), ClassState.class);
  }

  private ClassState startClass(ExtensionContext classCtx) {
    Settings s = settings(classCtx);
    ClassState cs = new ClassState(s);
    try {
      if (s.feed) {
        cs.feed = io.wschaos.embed.WsChaos.feed().rate(s.feedRate).start();
        currentFeed = cs.feed;
      }
      if (s.perClass) {
        cs.proxy = startProxy(cs, classCtx.getRequiredTestClass().getSimpleName());
        current = cs.proxy;
      }
      return cs;
    } catch (RuntimeException e) {
      cs.close();
      throw e;
    }
  }

  private WsChaosProxy startProxy(ClassState cs, String name) {
    Settings s = cs.settings;
    URI upstream = s.feed ? cs.feed.url() : s.upstream.get();
    WsChaosProxy.Builder b = io.wschaos.embed.WsChaos.proxy().upstream(upstream).seed(s.seed).clients(s.clients)
        .verifyTimeout(s.verifyTimeout).name(name);
    if (s.messages != null && !s.messages.isBlank()) {
      b.messages(s.messages);
    }
    s.configure.accept(b);
    WsChaosProxy proxy = b.start();
    try {
      armFaults(proxy, s);
    } catch (RuntimeException e) {
      proxy.close();
      throw e;
    }
    return proxy;
  }

  private static void armFaults(WsChaosProxy proxy, Settings s) {
    for (Object f : s.faults) {
      if (f instanceof Fault fault) {
        proxy.faults().add(fault);
      } else {
        proxy.faults().add((String) f);
      }
    }
  }

  private Settings settings(ExtensionContext ctx) {
    if (fixed != null) {
      return fixed;
    }
    Class<?> type = classContext(ctx).getRequiredTestClass();
    Optional<WsChaos> a = findAnnotation(type);
    if (a.isEmpty()) {
      throw new ExtensionConfigurationException("wschaos: " + type.getName() + " uses WsChaosExtension without @WsChaos(upstream = …);"
          + " annotate the class or register WsChaosExtension.upstream(…) as a field");
    }
    WsChaos w = a.get();
    String up = w.upstream().trim();
    boolean feed = BUILTIN_FEED.equals(up);
    URI uri = null;
    if (!feed) {
      try {
        uri = URI.create(up);
      } catch (IllegalArgumentException e) {
        throw new ExtensionConfigurationException("wschaos: @WsChaos(upstream = \"" + up + "\") is not a URL (ws://host:port or builtin:feed)");
      }
    }
    URI fixedUri = uri;
    Settings s = defaults(feed ? null : () -> fixedUri, feed);
    s.perClass = w.lifecycle() == WsChaos.Lifecycle.PER_CLASS;
    s.seed = w.seed();
    s.clients = w.clients();
    s.faults.addAll(List.of(w.faults()));
    s.reportDir = Path.of(w.reportDir());
    s.feedRate = w.feedRate();
    s.messages = w.messages();
    s.verifyTimeout = Duration.ofMillis(w.verifyTimeoutMillis());
    return s;
  }

  private static Optional<WsChaos> findAnnotation(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      Optional<WsChaos> a = AnnotationSupport.findAnnotation(c, WsChaos.class);
      if (a.isPresent()) {
        return a;
      }
    }
    return Optional.empty();
  }

  /** The nearest class-level context (a test method's parent; the class itself in class callbacks). */
  private static ExtensionContext classContext(ExtensionContext ctx) {
    ExtensionContext c = ctx;
    while (c.getTestMethod().isPresent() || c.getTestClass().isEmpty() && c.getParent().isPresent() && c.getParent().get().getTestClass().isPresent()) {
      c = c.getParent().orElseThrow();
    }
    return c;
  }

  private static Path reportDir(Settings s) {
    String override = System.getProperty(REPORT_DIR_PROPERTY);
    return override != null && !override.isBlank() ? Path.of(override) : s.reportDir;
  }

  /** {@code ReconnectTest.reconnectsAfterGoingAway}, with {@code -N} for the Nth invocation of a template. */
  static String testName(ExtensionContext ctx) {
    String cls = ctx.getTestClass().map(Class::getSimpleName).orElse("test");
    String method = ctx.getTestMethod().map(m -> m.getName()).orElse("");
    String id = ctx.getUniqueId();
    int inv = id.lastIndexOf("-invocation:#");
    String suffix = inv < 0 ? "" : "-" + id.substring(inv + "-invocation:#".length()).replaceAll("\\D.*", "");
    String name = method.isEmpty() ? cls : cls + "." + method + suffix;
    return name.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** Names the report of a failing test in its failure (as a suppressed exception, no stack trace). */
  static final class WsChaosReport extends Exception {
    WsChaosReport(String message) {
      super(message, null, false, false);
    }
  }
}
