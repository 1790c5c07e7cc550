package io.wschaos.spec;

/**
 * One thing wrong in a scenario file, a fault entry, a parameter object or a suite: the key path,
 * what is wrong and allowed, and where it points. Catalogues and parsers know only the key path;
 * the scenario loader then locates the problem in its file ({@link #located}).
 *
 * <p>Printed {@code file:line:column: key.path: message} once located (DESIGN.md, Scenario files);
 * {@code key.path: message} before. Line and column are 1-based, 0 when the problem is about a file
 * or folder as a whole (an empty suite), and then only {@code file: message} prints.
 *
 * @param path the key path ({@code faults[1].close.code}; indexes 0-based), or "" for the whole file
 * @param atKey the problem is about the key itself (unknown, duplicate): it is located at the key,
 *     not at its value
 * @param at where it is, or null while only its path is known
 */
public record Problem(String path, String message, boolean atKey, Location at) {
  /** A place in a file (or in a command-line argument named like one: {@code --fault[2]}). */
  public record Location(String file, int line, int column) {}

  /** Key paths and messages quote the file's own text, which may hold line breaks: a problem stays one line. */
  public Problem {
    path = oneLine(path == null ? "" : path);
    message = oneLine(message);
  }

  /** A problem with the value at {@code path}. */
  public Problem(String path, String message) {
    this(path, message, false, null);
  }

  /** A problem with the key at {@code path} itself. */
  public static Problem atKey(String path, String message) {
    return new Problem(path, message, true, null);
  }

  /** A problem with a file or folder as a whole. */
  public static Problem inFile(String file, String message) {
    return new Problem("", message, false, new Location(file, 0, 0));
  }

  public Problem located(Location where) {
    return new Problem(path, message, atKey, where);
  }

  /** The file, or "" while not located. */
  public String file() {
    return at == null ? "" : at.file();
  }

  public int line() {
    return at == null ? 0 : at.line();
  }

  public int column() {
    return at == null ? 0 : at.column();
  }

  /** {@code s} on one line: line breaks and other control characters escaped. */
  public static String oneLine(String s) {
    if (s == null || s.chars().noneMatch(Character::isISOControl)) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (Character.isISOControl(c)) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }

  @Override
  public String toString() {
    if (at == null) {
      return path + ": " + message;
    }
    StringBuilder b = new StringBuilder(at.file());
    if (at.line() > 0) {
      b.append(':').append(at.line()).append(':').append(at.column());
    }
    b.append(": ");
    if (!path.isEmpty()) {
      b.append(path).append(": ");
    }
    return b.append(message).toString();
  }
}
