package io.wschaos.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The faults, or the expectations, known by YAML name: one {@link #register} line per kind, each
 * with its parameter record (bound by {@link ParamBinding}), its factory and one sentence of what it
 * does. The name is written here only; {@code FaultSpec} and {@code ExpectationSpec} carry it.
 *
 * @param <T> {@code Fault} or {@code Expectation}
 */
public final class Catalog<T> {
  /** One kind: its YAML name, parameter record, factory and one sentence of effect. */
  public record Type<P, T>(String name, Class<P> params, Function<P, T> create, String summary) {
    T bind(JsonNode node, String path) {
      P p = ParamBinding.bind(node == null || node.isNull() ? JsonNodeFactory.instance.objectNode() : node, params, path);
      try {
        return create.apply(p);
      } catch (IllegalArgumentException e) { // a factory that validates further (a matcher, a selector): located too
        throw new SpecException(List.of(ParamBinding.problemOf(e, path)));
      }
    }
  }

  private final String kind;
  private final boolean listWhenUnknown;
  private final Map<String, Type<?, T>> types = new LinkedHashMap<>();

  /**
   * @param kind what the entries are, for messages: {@code fault}, {@code expectation}
   * @param listWhenUnknown an unknown name's message lists every known name
   */
  public Catalog(String kind, boolean listWhenUnknown) {
    this.kind = kind;
    this.listWhenUnknown = listWhenUnknown;
  }

  public <P> Catalog<T> register(String name, Class<P> params, Function<P, ? extends T> create, String summary) {
    Function<P, T> f = create::apply;
    if (types.putIfAbsent(name, new Type<>(name, params, f, summary)) != null) {
      throw new IllegalStateException(kind + " '" + name + "' registered twice");
    }
    return this;
  }

  public boolean has(String name) {
    return types.containsKey(name);
  }

  public Type<?, T> type(String name) {
    return types.get(name);
  }

  public Set<String> names() {
    return Collections.unmodifiableSet(types.keySet());
  }

  /** A {@code name} with parameters {@code params}; problems are located under {@code path}. */
  public T create(String name, JsonNode params, String path) {
    Type<?, T> t = types.get(name);
    if (t == null) {
      String all = listWhenUnknown ? " (" + kind + "s: " + String.join(", ", names()) + ")" : "";
      throw new SpecException(List.of(new Problem(path, "unknown " + kind + " '" + name + "'" + Suggest.hint(name, names()) + all)));
    }
    return t.bind(params, path);
  }
}
