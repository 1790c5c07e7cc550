package io.wschaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Enforces the allowed-imports table of DESIGN.md ("Architecture") on every main source file:
 * its import lines and any fully qualified {@code io.wschaos.}, {@code io.vertx.} or {@code
 * io.netty.} name in its code (comments and string literals are ignored).
 */
class ArchitectureTest {
  /** Every module's main sources: tests run at the checkout's root, where the modules are. */
  private static List<Path> mainSources() throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> modules = Files.list(Path.of("."))) {
      for (Path module : modules.filter(m -> m.getFileName().toString().startsWith("wschaos-")).sorted().toList()) {
        Path main = module.resolve(Path.of("src", "main", "java", "io", "wschaos"));
        if (!Files.isDirectory(main)) {
          continue;
        }
        try (Stream<Path> walk = Files.walk(main)) {
          walk.filter(p -> p.toString().endsWith(".java")).sorted().forEach(files::add);
        }
      }
    }
    return files;
  }

  @Test
  void mainSourcesFollowTheAllowedImportsTable() throws IOException {
    List<Path> files = mainSources();
    assertTrue(files.size() > 100, () -> "only " + files.size() + " Java sources under "
        + Path.of(".").toAbsolutePath() + "/wschaos-*/src/main/java: run the tests from the checkout's root");

    List<String> violations = new ArrayList<>();
    for (Path file : files) {
      String name = file.toString().replace('\\', '/');
      violations.addAll(ImportRules.check(name, Files.readString(file, StandardCharsets.UTF_8)));
    }
    if (!violations.isEmpty()) {
      fail(violations.size() + " dependencies break DESIGN.md's allowed-imports table (" + files.size()
          + " files scanned):\n" + String.join("\n", violations));
    }
  }

  /** The Java API promises plain Java: no Vert.x or Netty type in a public signature of io.wschaos.embed. */
  @Test
  void embedApiSignaturesHaveNoVertxOrNettyTypes() throws Exception {
    Path dir = Path.of("wschaos-core", "src", "main", "java", "io", "wschaos", "embed");
    List<String> leaks = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> walk = Files.list(dir)) {
      files = walk.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
    assertTrue(!files.isEmpty(), "no sources in " + dir);
    for (Path f : files) {
      String simple = f.getFileName().toString().replace(".java", "");
      Class<?> c = Class.forName("io.wschaos.embed." + simple);
      List<Class<?>> all = new ArrayList<>(List.of(c));
      all.addAll(List.of(c.getDeclaredClasses()));
      for (Class<?> k : all) {
        if (!java.lang.reflect.Modifier.isPublic(k.getModifiers())) {
          continue;
        }
        for (java.lang.reflect.Method m : k.getMethods()) {
          List<java.lang.reflect.Type> types = new ArrayList<>(List.of(m.getGenericParameterTypes()));
          types.add(m.getGenericReturnType());
          types.addAll(List.of(m.getGenericExceptionTypes()));
          for (java.lang.reflect.Type t : types) {
            if (t.getTypeName().contains("io.vertx.") || t.getTypeName().contains("io.netty.")) {
              leaks.add(k.getName() + "." + m.getName() + " uses " + t.getTypeName());
            }
          }
        }
        for (java.lang.reflect.Constructor<?> m : k.getConstructors()) {
          for (java.lang.reflect.Type t : m.getGenericParameterTypes()) {
            if (t.getTypeName().contains("io.vertx.") || t.getTypeName().contains("io.netty.")) {
              leaks.add(k.getName() + " constructor uses " + t.getTypeName());
            }
          }
        }
      }
    }
    assertEquals(List.of(), leaks);
  }

  @Test
  void checkerReportsEveryForbiddenDependencyWithItsLineAndRule() {
    String source = """
        package io.wschaos.frame;

        import java.util.List;
        import io.vertx.core.buffer.Buffer;
        import static io.wschaos.timeline.Timeline.now;
        import com.fasterxml.jackson.databind.*;

        /** Mentions io.vertx.core.Vertx in a comment, which is no dependency. */
        final class Bad {
          String s = "io.netty.buffer.ByteBuf in a string is none either";
          io.netty.buffer.ByteBuf direct; // and io.vertx here neither
          io.wschaos.frame.Opcode own;
        }
        """;

    assertEquals(
        List.of(
            "Bad.java:4 imports io.vertx.core.buffer.Buffer (package frame may import only the JDK)",
            "Bad.java:5 imports io.wschaos.timeline.Timeline.now (package frame may import only the JDK)",
            "Bad.java:6 imports com.fasterxml.jackson.databind.* (package frame may import only the JDK)",
            "Bad.java:11 refers to io.netty.buffer.ByteBuf (package frame may import only the JDK)"),
        ImportRules.check("Bad.java", source));
  }

  @Test
  void checkerEnforcesTheLayersAndThatNothingImportsCli() {
    assertEquals(
        List.of("T.java:2 imports io.wschaos.proxy.ProxyServer (package timeline may import only frame,"
            + " the JDK and third-party libraries other than Vert.x and Netty)"),
        ImportRules.check("T.java", "package io.wschaos.timeline;\nimport io.wschaos.proxy.ProxyServer;\n"));
    assertEquals(
        List.of("R.java:2 imports io.wschaos.cli.Main (package runner may import only frame, timeline, spec, fault,"
            + " pipeline, proxy, expect, scenario, journal, report, demo, Vert.x, Netty, the JDK and"
            + " third-party libraries)"),
        ImportRules.check("R.java", "package io.wschaos.runner;\nimport io.wschaos.cli.Main;\n"));
    assertEquals(
        List.of("D.java:3 imports io.netty.channel.Channel (package demo may import only Vert.x, the JDK and"
            + " third-party libraries other than Netty)"),
        ImportRules.check("D.java", "package io.wschaos.demo;\nimport io.vertx.core.Vertx;\n"
            + "import io.netty.channel.Channel;\n"));
    assertEquals(
        List.of("U.java:1 is in package io.wschaos.util, which DESIGN.md's allowed-imports table does not list"),
        ImportRules.check("U.java", "package io.wschaos.util;\nimport java.util.List;\n"));
  }

  @Test
  void checkerAcceptsWhatTheTableAllows() {
    String proxy = """
        package io.wschaos.proxy;
        import io.netty.channel.ChannelDuplexHandler;
        import io.vertx.core.Vertx;
        import io.wschaos.fault.builtin.DelayFault;
        import io.wschaos.pipeline.Pipeline;
        import org.slf4j.Logger;
        class P { io.wschaos.timeline.Timeline t; }
        """;
    String faultBuiltin = "package io.wschaos.fault.builtin;\nimport io.wschaos.fault.Fault;\n"
        + "import io.wschaos.frame.Frame;\nimport io.wschaos.timeline.Event;\n";
    String cli = "package io.wschaos.cli;\nimport picocli.CommandLine;\nimport io.wschaos.api.Api;\n"
        + "import io.netty.util.ResourceLeakDetector;\n";
    assertEquals(List.of(), ImportRules.check("P.java", proxy));
    assertEquals(List.of(), ImportRules.check("F.java", faultBuiltin));
    assertEquals(List.of(), ImportRules.check("C.java", cli));
  }

  /** DESIGN.md's allowed-imports table, and the scanner that applies it to one source file. */
  static final class ImportRules {
    enum Lib { VERTX, NETTY, THIRD_PARTY }

    private record Rule(Set<String> packages, Set<Lib> libs, boolean anything) {}

    private static final Set<Lib> THIRD = EnumSet.of(Lib.THIRD_PARTY);
    /** Package → what it may import besides itself and the JDK. */
    private static final Map<String, Rule> TABLE = new LinkedHashMap<>();

    static {
      rule("frame", EnumSet.noneOf(Lib.class));
      rule("spec", THIRD, "frame"); // parameters, durations and located problems shared by fault, expect and scenario
      rule("timeline", THIRD, "frame");
      rule("fault", THIRD, "frame", "timeline", "spec");
      rule("pipeline", THIRD, "frame", "timeline", "fault", "spec");
      rule("scenario", THIRD, "frame", "timeline", "spec", "fault", "expect"); // catalogue interfaces only
      rule("expect", THIRD, "frame", "timeline", "spec", "scenario");
      rule("journal", THIRD, "frame", "timeline", "expect");
      rule("report", THIRD, "frame", "timeline", "expect", "journal");
      rule("proxy", EnumSet.allOf(Lib.class), "frame", "timeline", "fault", "pipeline");
      rule("api", EnumSet.of(Lib.VERTX, Lib.THIRD_PARTY), "frame", "timeline", "spec", "fault", "pipeline", "proxy",
          "scenario");
      rule("runner", EnumSet.allOf(Lib.class), "frame", "timeline", "spec", "fault", "pipeline", "proxy", "expect",
          "scenario", "journal", "report", "demo"); // all but cli and api
      rule("demo", EnumSet.of(Lib.VERTX, Lib.THIRD_PARTY));
      // the Java API (and the JUnit 5 extension on it): everything but cli and api; Vert.x only inside,
      // never in a public signature (embedApiSignaturesHaveNoVertxOrNettyTypes)
      rule("embed", EnumSet.of(Lib.VERTX, Lib.THIRD_PARTY), "frame", "timeline", "spec", "fault", "pipeline", "proxy",
          "expect", "scenario", "journal", "report", "runner", "demo");
      rule("junit5", THIRD, "embed"); // the JUnit 5 extension (module wschaos-junit5) stands on the Java API alone
      rule("bench", EnumSet.allOf(Lib.class)); // load generator and echo server: stands alone, like demo
      TABLE.put("cli", new Rule(Set.of(), EnumSet.allOf(Lib.class), true));
    }

    private static void rule(String pkg, Set<Lib> libs, String... packages) {
      TABLE.put(pkg, new Rule(new LinkedHashSet<>(List.of(packages)), libs, false));
    }

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;");
    private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(?:static\\s+)?([\\w.]+(?:\\.\\*)?)\\s*;");
    private static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.])(io\\.(?:wschaos|vertx|netty)(?:\\.\\w+)+)");

    private ImportRules() {}

    /** Every violation in one file, as {@code file:line imports X (package P may import only …)}. */
    static List<String> check(String file, String source) {
      String[] lines = stripCommentsAndLiterals(source).split("\n", -1);
      String owner = null;
      int packageLine = 0;
      for (int i = 0; i < lines.length && owner == null; i++) {
        Matcher m = PACKAGE.matcher(lines[i]);
        if (m.find()) {
          owner = m.group(1);
          packageLine = i + 1;
        }
      }
      if (owner == null) {
        return List.of(file + ":1 has no package declaration");
      }
      String pkg = owner.startsWith("io.wschaos.") ? owner.substring("io.wschaos.".length()).split("\\.")[0] : null;
      Rule rule = pkg == null ? null : TABLE.get(pkg);
      if (rule == null) {
        return List.of(file + ":" + packageLine + " is in package " + owner
            + ", which DESIGN.md's allowed-imports table does not list");
      }
      List<String> violations = new ArrayList<>();
      for (int i = 0; i < lines.length; i++) {
        if (i + 1 == packageLine) {
          continue;
        }
        Matcher imp = IMPORT.matcher(lines[i]);
        Set<String> targets = new LinkedHashSet<>();
        String verb;
        if (imp.find()) {
          verb = "imports";
          targets.add(imp.group(1));
        } else {
          verb = "refers to";
          Matcher q = QUALIFIED.matcher(lines[i]);
          while (q.find()) {
            targets.add(q.group(1));
          }
        }
        for (String target : targets) {
          if (!allowed(pkg, rule, target)) {
            violations.add(file + ":" + (i + 1) + " " + verb + " " + target + " (package " + pkg
                + " may import only " + describe(rule) + ")");
          }
        }
      }
      return violations;
    }

    private static boolean allowed(String pkg, Rule rule, String target) {
      if (rule.anything() || isJdk(target)) {
        return true;
      }
      if (target.startsWith("io.wschaos.")) {
        String other = target.substring("io.wschaos.".length()).split("\\.")[0];
        return other.equals(pkg) || rule.packages().contains(other);
      }
      return rule.libs().contains(libOf(target));
    }

    private static boolean isJdk(String name) {
      return Stream.of("java.", "javax.", "jdk.", "org.w3c.dom.", "org.xml.sax.", "org.ietf.jgss.")
          .anyMatch(name::startsWith);
    }

    private static Lib libOf(String name) {
      if (name.startsWith("io.vertx.")) {
        return Lib.VERTX;
      }
      return name.startsWith("io.netty.") ? Lib.NETTY : Lib.THIRD_PARTY;
    }

    private static String describe(Rule rule) {
      List<String> parts = new ArrayList<>(rule.packages());
      if (rule.libs().contains(Lib.VERTX)) {
        parts.add("Vert.x");
      }
      if (rule.libs().contains(Lib.NETTY)) {
        parts.add("Netty");
      }
      parts.add("the JDK");
      if (rule.libs().contains(Lib.THIRD_PARTY)) {
        boolean vertx = rule.libs().contains(Lib.VERTX);
        boolean netty = rule.libs().contains(Lib.NETTY);
        parts.add("third-party libraries" + (vertx && netty ? "" : vertx ? " other than Netty"
            : netty ? " other than Vert.x" : " other than Vert.x and Netty"));
      }
      if (parts.size() == 1) {
        return parts.get(0);
      }
      return String.join(", ", parts.subList(0, parts.size() - 1)) + " and " + parts.get(parts.size() - 1);
    }

    /** Blanks comments, string, text-block and char literals, keeping every newline. */
    static String stripCommentsAndLiterals(String s) {
      StringBuilder out = new StringBuilder(s.length());
      int i = 0;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (s.startsWith("//", i)) {
          while (i < s.length() && s.charAt(i) != '\n') {
            out.append(' ');
            i++;
          }
        } else if (s.startsWith("/*", i)) {
          int end = s.indexOf("*/", i + 2);
          end = end < 0 ? s.length() : end + 2;
          blank(s, i, end, out);
          i = end;
        } else if (s.startsWith("\"\"\"", i)) {
          int end = s.indexOf("\"\"\"", i + 3);
          while (end > 0 && s.charAt(end - 1) == '\\') {
            end = s.indexOf("\"\"\"", end + 1);
          }
          end = end < 0 ? s.length() : end + 3;
          blank(s, i, end, out);
          i = end;
        } else if (c == '"' || c == '\'') {
          int end = i + 1;
          while (end < s.length() && s.charAt(end) != c && s.charAt(end) != '\n') {
            end += s.charAt(end) == '\\' ? 2 : 1;
          }
          end = Math.min(end + 1, s.length());
          blank(s, i, end, out);
          i = end;
        } else {
          out.append(c);
          i++;
        }
      }
      return out.toString();
    }

    private static void blank(String s, int from, int to, StringBuilder out) {
      for (int k = from; k < to; k++) {
        out.append(s.charAt(k) == '\n' ? '\n' : ' ');
      }
    }
  }
}
