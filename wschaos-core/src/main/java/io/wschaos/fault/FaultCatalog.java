package io.wschaos.fault;

import io.wschaos.spec.ParamBinding;
import io.wschaos.spec.SpecProblem;
import io.wschaos.spec.SpecException;
import io.wschaos.spec.Suggest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The faults known by YAML name: one line per fault, each with its parameter record. */
public final class FaultCatalog {
  /** One kind of fault: its name, parameter record, factory and one sentence of effect. */
  public record FaultType<P>(String name, Class<P> params, Function<P, Fault> create, String summary) {
    Fault bind(JsonNode node, String path) {
      P p = ParamBinding.bind(node == null || node.isNull() ? JsonNodeFactory.instance.objectNode() : node, params, path);
      return create.apply(p);
    }
  }

  private final Map<String, FaultType<?>> types = new LinkedHashMap<>();

  public <P> FaultCatalog register(String name, Class<P> params, Function<P, Fault> create, String summary) {
    if (types.putIfAbsent(name, new FaultType<>(name, params, create, summary)) != null) {
      throw new IllegalStateException("fault '" + name + "' registered twice");
    }
    return this;
  }

  public boolean has(String name) {
    return types.containsKey(name);
  }

  public FaultType<?> type(String name) {
    return types.get(name);
  }

  public Set<String> names() {
    return Collections.unmodifiableSet(types.keySet());
  }

  /** A fault of kind {@code name} with parameters {@code params}; problems are located under {@code path}. */
  public Fault create(String name, JsonNode params, String path) {
    FaultType<?> t = types.get(name);
    if (t == null) {
      throw new SpecException(java.util.List.of(new SpecProblem(path, "unknown fault '" + name + "'" + Suggest.hint(name, names()))));
    }
    return t.bind(params, path);
  }
}
