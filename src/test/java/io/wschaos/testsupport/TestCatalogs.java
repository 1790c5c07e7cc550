package io.wschaos.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.expect.Expectation;
import io.wschaos.expect.ExpectationCatalog;
import io.wschaos.expect.Judging;
import io.wschaos.expect.Verdict;
import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultCatalog;
import io.wschaos.fault.builtin.BuiltinFaults;
import io.wschaos.frame.Direction;
import io.wschaos.spec.ParamException;
import java.time.Duration;
import java.util.List;

/**
 * Catalogues for scenario-loading tests: the builtin faults (plus a stand-in {@code server_down}
 * until the link faults are merged here), and a few stand-in expectations with parameter records
 * shaped like DESIGN.md's, until the builtin expectations land.
 */
public final class TestCatalogs {
  private TestCatalogs() {}

  public static FaultCatalog faults() {
    FaultCatalog c = BuiltinFaults.catalog();
    if (!c.has("server_down")) {
      c.register("server_down", ServerDown.class, p -> new Named("server_down"), "stand-in: a deploy or crash window");
    }
    return c;
  }

  public static ExpectationCatalog expectations() {
    return new ExpectationCatalog()
        .register("reconnect", Reconnect.class, p -> new Expected("reconnect"), "a new attempt follows every such end within the bound")
        .register("delivered", Delivered.class, p -> new Expected("delivered"), "what the client sent arrives")
        .register("backoff", Backoff.class, p -> new Expected("backoff"), "delays between failed attempts fit a capped geometric envelope")
        .register("max_attempts", MaxAttempts.class, p -> new Expected("max_attempts"), "no reconnect storm")
        .register("herd", Herd.class, p -> new Expected("herd"), "reconnects after a shared outage are spread out")
        .register("closes_cleanly", ClosesCleanly.class, p -> new Expected("closes_cleanly"), "the client ends with a proper close");
  }

  /** Stand-in for the link faults' server_down parameters (only {@code mode} matters to validation). */
  public record ServerDown(Mode mode) {
    public enum Mode { RESET, REFUSE, REJECT }
  }

  public record Reconnect(JsonNode after, Duration within) {
    public Reconnect {
      ParamException.require(within != null, "within", "reconnect needs within, e.g. 3s");
    }
  }

  public record Delivered(Direction to, String seq, JsonNode match, Integer lost, Integer duplicated, Boolean ordered, Boolean strict) {
    public Delivered {
      ParamException.require(to != null, "to", "delivered needs to: server or client");
    }
  }

  public record Backoff(Integer attempts, JsonNode first, JsonNode initial, JsonNode factor, JsonNode cap, JsonNode jitter) {}

  public record MaxAttempts(Integer count, Duration per) {}

  public record Herd(JsonNode after, JsonNode spread, JsonNode peak) {}

  public record ClosesCleanly(Integer code) {}

  /** An expectation that is never judged in these tests. */
  public record Expected(String name) implements Expectation {
    @Override
    public Verdict judge(Judging judging) {
      return Verdict.undecided(judging.runOver(), "a stand-in expectation", List.of());
    }
  }

  private record Named(String name) implements Fault {}
}
