package io.wschaos.expect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.wschaos.spec.ParamBinding;
import io.wschaos.spec.SpecException;
import io.wschaos.spec.SpecProblem;
import io.wschaos.spec.Suggest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/** The expectations known by YAML name: one line per expectation, each with its parameter record. */
public final class ExpectationCatalog {
  /** One kind of expectation: its name, parameter record, factory and one sentence of what passes. */
  public record Type<P>(String name, Class<P> params, Function<P, Expectation> create, String summary) {
    Expectation bind(JsonNode node, String path) {
      P p = ParamBinding.bind(node == null || node.isNull() ? JsonNodeFactory.instance.objectNode() : node, params, path);
      return create.apply(p);
    }
  }

  private final Map<String, Type<?>> types = new LinkedHashMap<>();

  public <P> ExpectationCatalog register(String name, Class<P> params, Function<P, Expectation> create, String summary) {
    if (types.putIfAbsent(name, new Type<>(name, params, create, summary)) != null) {
      throw new IllegalStateException("expectation '" + name + "' registered twice");
    }
    return this;
  }

  public boolean has(String name) {
    return types.containsKey(name);
  }

  public Type<?> type(String name) {
    return types.get(name);
  }

  public Set<String> names() {
    return Collections.unmodifiableSet(types.keySet());
  }

  /** An expectation of kind {@code name} with {@code params}; problems are located under {@code path}. */
  public Expectation create(String name, JsonNode params, String path) {
    Type<?> t = types.get(name);
    if (t == null) {
      throw new SpecException(List.of(new SpecProblem(path, "unknown expectation '" + name + "'" + Suggest.hint(name, names()) + " (expectations: " + String.join(", ", names()) + ")")));
    }
    return t.bind(params, path);
  }
}
