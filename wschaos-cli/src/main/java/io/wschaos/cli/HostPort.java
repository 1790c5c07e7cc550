package io.wschaos.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code HOST:PORT} or {@code PORT} (loopback) as a flag value. */
record HostPort(String host, int port) {
  static final class Converter implements ITypeConverter<HostPort> {
    @Override
    public HostPort convert(String value) {
      int colon = value.lastIndexOf(':');
      String host = colon < 0 ? "127.0.0.1" : value.substring(0, colon);
      String port = colon < 0 ? value : value.substring(colon + 1);
      try {
        int p = Integer.parseInt(port);
        if (p < 0 || p > 65535 || host.isEmpty()) {
          throw new NumberFormatException();
        }
        return new HostPort(host, p);
      } catch (NumberFormatException e) {
        throw new TypeConversionException("'" + value + "' is not HOST:PORT (e.g. 127.0.0.1:8080)");
      }
    }
  }
}
