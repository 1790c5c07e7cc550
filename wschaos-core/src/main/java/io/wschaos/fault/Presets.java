package io.wschaos.fault;

import io.wschaos.spec.Durations;
import io.wschaos.spec.ParamException;
import io.wschaos.spec.ParamBinding;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wschaos.frame.CloseStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * Named realistic combinations, expanded into plain fault entries (recorded expanded, with ids
 * {@code <id>.1}, {@code <id>.2}…). Each takes a few parameters with production-like defaults.
 */
public final class Presets {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** nginx's proxy_read_timeout: cut after {@code idle} without frames, no close frame. */
  public record NginxIdleTimeout(Duration idle) {
    public NginxIdleTimeout {
      idle = idle == null ? Duration.ofSeconds(60) : idle;
    }
  }

  /** A server restart: close {@code code} to the client, then refuse new connections for {@code down_for}. */
  public record RollingRestart(Integer code, Duration down_for) {
    public RollingRestart {
      code = code == null ? CloseStatus.GOING_AWAY : code;
      ParamException.require(code == 1001 || code == 1012, "code", code + " is not a restart code (1001 or 1012)");
      down_for = down_for == null ? Duration.ofSeconds(2) : down_for;
    }
  }

  /** A load balancer that lost its state: nothing passes either way, TCP stays open, then aborts. */
  public record LbHalfOpen() {}

  /** A phone changing networks: nothing passes either way, then the connection is reset. */
  public record MobileHandover() {}

  /** A deploy: handshakes are answered 503 with Retry-After while the fault lasts. */
  public record Deploy503(Integer retry_after) {
    public Deploy503 {
      retry_after = retry_after == null ? 5 : retry_after;
      ParamException.require(retry_after >= 0, "retry_after", "retry_after is seconds ≥ 0");
    }
  }

  /** One expanded entry; {@code lasts} overrides the entry's {@code for} when set. */
  record Part(String fault, JsonNode params, Duration lasts) {}

  private record Preset<P>(Class<P> params, BiFunction<P, ObjectNode, List<Part>> expand) {}

  private static final Map<String, Preset<?>> PRESETS = new TreeMap<>();

  static {
    PRESETS.put(
        "nginx_idle_timeout",
        new Preset<>(NginxIdleTimeout.class, (p, n) -> List.of(new Part("idle_timeout", obj().put("idle", Durations.format(p.idle())).put("close_with", "abort fin"), null))));
    PRESETS.put(
        "rolling_restart",
        new Preset<>(
            RollingRestart.class,
            (p, n) ->
                List.of(
                    new Part("close", obj().put("code", p.code()).put("reason", "server restart").put("to", "client"), null),
                    new Part("server_down", obj().put("mode", "reset"), p.down_for()))));
    PRESETS.put(
        "lb_half_open",
        new Preset<>(LbHalfOpen.class, (p, n) -> List.of(new Part("blackhole", obj().put("to", "both").put("then", "abort fin"), null))));
    PRESETS.put(
        "mobile_handover",
        new Preset<>(MobileHandover.class, (p, n) -> List.of(new Part("blackhole", obj().put("to", "both").put("then", "abort reset"), null))));
    PRESETS.put(
        "deploy_503",
        new Preset<>(
            Deploy503.class,
            (p, n) -> {
              ObjectNode headers = obj().put("Retry-After", String.valueOf(p.retry_after()));
              ObjectNode reject = obj().put("status", 503).put("body", "deploy in progress");
              reject.set("headers", headers);
              return List.of(new Part("reject_handshake", reject, null));
            }));
  }

  private Presets() {}

  private static ObjectNode obj() {
    return F.objectNode();
  }

  public static boolean has(String name) {
    return PRESETS.containsKey(name);
  }

  public static Set<String> names() {
    return PRESETS.keySet();
  }

  /** The parameter record of preset {@code name} (for the scenario schema), or null. */
  public static Class<?> params(String name) {
    Preset<?> p = PRESETS.get(name);
    return p == null ? null : p.params();
  }

  /** The plain entries {@code name} stands for, as (fault name, parameters) pairs. */
  static List<Part> expand(String name, JsonNode params, String path) {
    return expandWith(PRESETS.get(name), params, path);
  }

  private static <P> List<Part> expandWith(Preset<P> preset, JsonNode params, String path) {
    JsonNode node = params == null || params.isNull() ? obj() : params;
    P p = ParamBinding.bind(node, preset.params(), path);
    return preset.expand().apply(p, (ObjectNode) node);
  }
}
