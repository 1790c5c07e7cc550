package io.wschaos.runner;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The first lines a client printed, kept to say why it never connected. A crash puts its reason
 * near the top (Node: {@code Error: Cannot find module 'ws'} after a source excerpt) and runtime
 * trivia at the bottom ({@code Node.js v20.20.2}), so the last line is the wrong one to show.
 */
final class ClientOutput {
  private static final int KEEP = 40;
  // "Error: …", "TypeError: …", "java.lang.IllegalStateException: …", "sh: 1: foo: not found", "fatal: …"
  private static final Pattern REASON =
      Pattern.compile("(?i)^\\s*(?:[\\w.$]*(?:error|exception)\\b.*|.*\\bnot found\\b.*|fatal\\b.*|panic\\b.*)");

  private final List<String> stderr = new ArrayList<>();
  private final List<String> stdout = new ArrayList<>();

  void add(String stream, String line) {
    List<String> to = "stderr".equals(stream) ? stderr : stdout;
    if (to.size() < KEEP && !line.isBlank()) {
      to.add(line.strip());
    }
  }

  /**
   * One line, "stderr: …" or "stdout: …": stderr's first line that reads like a reason, else its
   * first line, else stdout's first; null when the client printed nothing.
   */
  String why() {
    for (String l : stderr) {
      if (REASON.matcher(l).matches()) {
        return "stderr: " + l;
      }
    }
    if (!stderr.isEmpty()) {
      return "stderr: " + stderr.get(0);
    }
    return stdout.isEmpty() ? null : "stdout: " + stdout.get(0);
  }
}
