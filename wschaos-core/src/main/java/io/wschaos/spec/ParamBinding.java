package io.wschaos.spec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.wschaos.frame.Direction;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Binds a parameter object (YAML or JSON, as a tree) to a fault's parameter record with Jackson,
 * and turns Jackson's failures into one located, readable problem.
 */
public final class ParamBinding {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
          .addModule(
              new SimpleModule("wschaos")
                  .addDeserializer(Duration.class, new DurationDeserializer())
                  .addDeserializer(Direction.class, new DirectionDeserializer()))
          .build();

  private ParamBinding() {}

  /** Binds {@code node} to {@code type}; a failure is a {@link Problem} under {@code path}. */
  public static <P> P bind(JsonNode node, Class<P> type, String path) {
    try {
      return MAPPER.treeToValue(node, type);
    } catch (IOException e) {
      throw new SpecException(List.of(problem(e, type, path)));
    } catch (IllegalArgumentException e) {
      throw new SpecException(List.of(problemOf(e, path)));
    }
  }

  private static Problem problem(IOException e, Class<?> type, String path) {
    if (e instanceof UnrecognizedPropertyException u) {
      List<String> known = u.getKnownPropertyIds().stream().map(Object::toString).sorted().toList();
      String key = u.getPropertyName();
      String at = pathOf(u); // the whole path inside the parameters, nested objects included
      return new Problem(
          path + (at.endsWith("." + key) ? at : at + "." + key),
          "unknown key '" + key + "' (allowed: " + (known.isEmpty() ? "none" : String.join(", ", known)) + ")" + Suggest.hint(key, known));
    }
    if (e instanceof ValueInstantiationException v && v.getCause() != null) {
      Throwable c = v.getCause();
      return problemOf(c instanceof IllegalArgumentException iae ? iae : new IllegalArgumentException(c.getMessage()), path);
    }
    String at = e instanceof JsonMappingException m ? pathOf(m) : "";
    if (e instanceof InvalidFormatException f) {
      Class<?> target = f.getTargetType();
      String allowed =
          target != null && target.isEnum()
              ? "one of " + Arrays.stream(target.getEnumConstants()).map(c -> c.toString().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "))
              : "a " + simpleName(target);
      return new Problem(path + at, "'" + f.getValue() + "' is not allowed here (" + allowed + ")");
    }
    if (e instanceof MismatchedInputException m) {
      Throwable cause = m.getCause();
      if (cause instanceof IllegalArgumentException iae) {
        return new Problem(path + at, iae.getMessage());
      }
      String expected = m.getTargetType() == null ? "another type" : "a " + simpleName(m.getTargetType());
      if (m.getTargetType() != null && m.getTargetType().isRecord()) {
        expected = "an object of parameters";
      }
      return new Problem(path + at, "wrong type: expected " + expected);
    }
    return new Problem(path + at, e instanceof JsonMappingException m ? m.getOriginalMessage() : e.getMessage());
  }

  /** A parameter the record or its factory refused ({@link ParamException} names the key), under {@code path}. */
  public static Problem problemOf(IllegalArgumentException e, String path) {
    if (e instanceof ParamException p && p.key() != null && !p.key().isEmpty()) {
      return new Problem(path + "." + p.key(), p.getMessage());
    }
    return new Problem(path, e.getMessage());
  }

  private static String pathOf(JsonMappingException m) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference r : m.getPath()) {
      if (r.getFieldName() != null) {
        b.append('.').append(r.getFieldName());
      } else if (r.getIndex() >= 0) {
        b.append('[').append(r.getIndex()).append(']');
      }
    }
    return b.toString();
  }

  private static String simpleName(Class<?> c) {
    if (c == null) {
      return "value";
    }
    if (c == Integer.class || c == int.class || c == Long.class || c == long.class) {
      return "whole number";
    }
    if (c == Double.class || c == double.class) {
      return "number";
    }
    if (c == Boolean.class || c == boolean.class) {
      return "true or false";
    }
    if (c == String.class) {
      return "string";
    }
    if (c == Duration.class) {
      return "duration (250ms, 2s)";
    }
    if (List.class.isAssignableFrom(c)) {
      return "list";
    }
    return c.getSimpleName().toLowerCase(Locale.ROOT);
  }

  private static final class DurationDeserializer extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.currentToken().isScalarValue() || p.currentToken().isNumeric()) {
        throw withCause(
            MismatchedInputException.from(p, Duration.class, Durations.ALLOWED),
            new IllegalArgumentException(p.getText() + " is not " + Durations.ALLOWED + " (write the unit)"));
      }
      try {
        return Durations.parse(p.getText());
      } catch (IllegalArgumentException e) {
        throw withCause(MismatchedInputException.from(p, Duration.class, e.getMessage()), e);
      }
    }
  }

  private static final class DirectionDeserializer extends JsonDeserializer<Direction> {
    @Override
    public Direction deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      String v = p.getText();
      for (Direction d : Direction.values()) {
        if (d.wire().equalsIgnoreCase(v)) {
          return d;
        }
      }
      IllegalArgumentException e = new IllegalArgumentException("'" + v + "' is not a direction (server or client)");
      throw withCause(MismatchedInputException.from(p, Direction.class, e.getMessage()), e);
    }
  }

  private static MismatchedInputException withCause(MismatchedInputException e, IllegalArgumentException cause) {
    e.initCause(cause);
    return e;
  }

  /** A copy helper for tests and the API: the mapper used for parameters. */
  static ObjectMapper mapper() {
    return MAPPER;
  }

  static List<String> names(Enum<?>[] values) {
    List<String> out = new ArrayList<>();
    for (Enum<?> v : values) {
      out.add(v.name().toLowerCase(Locale.ROOT));
    }
    return out;
  }
}
