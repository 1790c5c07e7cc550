package io.wschaos.scenario;

/**
 * One thing wrong in a scenario file, located: {@code file:line:column: key.path: message}
 * (DESIGN.md, Scenario files). {@code line} and {@code column} are 1-based; 0 when the error is
 * about a file or folder as a whole (an empty suite), and then only {@code file: message} prints.
 *
 * @param path the key path ({@code faults[1].close.code}; indexes 0-based), or "" for the whole file
 */
public record ScenarioError(String file, int line, int column, String path, String message) {
  /** Key paths and messages quote the file's own text, which may hold line breaks: an error stays one line. */
  public ScenarioError {
    path = oneLine(path);
    message = oneLine(message);
  }

  static String oneLine(String s) {
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

  /**
   * The YAML syntax error in {@code text}, located as scenario files are ({@code --fault[2]:1:22:
   * YAML syntax error: …}), {@code source} naming the text; null when it parses.
   */
  public static ScenarioError yamlSyntax(String text, String source) {
    LocatedYaml y = LocatedYaml.parse(text, source);
    if (y.root() != null || y.issues().isEmpty()) {
      return null;
    }
    Issue i = y.issues().get(0);
    return new ScenarioError(i.at().file(), i.at().line(), i.at().column(), i.path(), i.message());
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder(file);
    if (line > 0) {
      b.append(':').append(line).append(':').append(column);
    }
    b.append(": ");
    if (!path.isEmpty()) {
      b.append(path).append(": ");
    }
    return b.append(message).toString();
  }
}
