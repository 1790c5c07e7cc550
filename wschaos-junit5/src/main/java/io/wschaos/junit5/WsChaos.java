package io.wschaos.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the test class with a wschaos proxy in front of {@link #upstream()}: a started {@link
 * io.wschaos.embed.WsChaosProxy} is injected into test, lifecycle and constructor parameters, its
 * faults are reset between tests, each test's timeline is written to {@code target/wschaos/<test>.jsonl},
 * a failing test gets an HTML timeline report beside it, and nothing is left running after the class.
 *
 * <pre>{@code
 * @WsChaos(upstream = "builtin:feed")
 * class ReconnectTest {
 *   @Test void reconnects(WsChaosProxy proxy) { … }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(WsChaosExtension.class)
public @interface WsChaos {
  /**
   * The real server, {@code ws://host:port[/base]} or {@code wss://…}; or {@code builtin:feed}, the
   * builtin feed server started for the class (injectable as {@link io.wschaos.embed.Feed}).
   */
  String upstream();

  /** One proxy per test (default) or one for the whole class, reset between tests. */
  Lifecycle lifecycle() default Lifecycle.PER_TEST;

  /** The seed every random fault decision derives from. */
  long seed() default 0;

  /** Logical clients, each with its own proxy port ({@code proxy.url(i)}). */
  int clients() default 1;

  /** Fault entries (YAML or JSON) armed at the start of every test, e.g. {@code "{delay: {to: client, by: 100ms}}"}. */
  String[] faults() default {};

  /** The scenario schema's {@code messages:} block (sequences, acks, heartbeats, client ids) in YAML or JSON; none by default. */
  String messages() default "";

  /** Where timelines and reports go; the {@code wschaos.reportDir} system property overrides it. */
  String reportDir() default "target/wschaos";

  /** Messages per second of the builtin feed server (with {@code builtin:feed}). */
  double feedRate() default 10;

  /** How long a proxy's {@code verify} waits at most for a verdict to settle, in milliseconds. */
  long verifyTimeoutMillis() default 10_000;

  /** When the proxy exists. */
  enum Lifecycle {
    PER_TEST,
    PER_CLASS
  }
}
