package io.wschaos.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** A size flag: {@code 1048576}, {@code 64KiB}, {@code 16MiB} (also KB/MB as powers of 1024). */
final class ByteSize implements ITypeConverter<Integer> {
  @Override
  public Integer convert(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    for (String[] u : new String[][] {{"kib", "1024"}, {"kb", "1024"}, {"k", "1024"}, {"mib", "1048576"}, {"mb", "1048576"}, {"m", "1048576"}, {"b", "1"}}) {
      if (v.endsWith(u[0])) {
        unit = Long.parseLong(u[1]);
        v = v.substring(0, v.length() - u[0].length()).trim();
        break;
      }
    }
    try {
      long n = Long.parseLong(v) * unit;
      if (n <= 0 || n > Integer.MAX_VALUE) {
        throw new NumberFormatException();
      }
      return (int) n;
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + value + "' is not a size (e.g. 16MiB, 64KiB, 1048576), between 1 byte and 2 GiB");
    }
  }
}
