package io.wschaos.cli;

import io.wschaos.spec.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A duration flag written as scenarios write them ({@code 250ms}, {@code 2s}, {@code 1m}), with the same bounds. */
final class DurationConverter implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    try {
      Duration d = Durations.parse(value);
      if (d.isZero()) {
        throw new TypeConversionException("'" + value + "' must be more than 0");
      }
      return d;
    } catch (IllegalArgumentException e) {
      throw new TypeConversionException(e.getMessage());
    }
  }
}
