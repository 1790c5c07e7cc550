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
 * Enforces the allowed-imports table of docs/architecture.md on every main source file (of the
 * root project and of every Maven module: {@code src/main/java}, {@code * /src/main/java}): its
 * import lines and any fully qualified {@code io.wschaos.}, {@code io.vertx.} or {@code io.netty.}
 * name in its code (comments and string literals are ignored). Independently of the table, no two
 * packages may depend on each other, directly or through others: the dependency graph, computed
 * from those same imports, has no cycle, both between Java packages ({@code fault.builtin}) and
 * between the layers the table lists ({@code fault}).
 */
class ArchitectureTest {
  @Test
  void mainSourcesFollowTheAllowedImportsTable() throws IOException {
    Map<String, String> sources = mainSources();
    List<String> violations = new ArrayList<>();
    sources.forEach((name, text) -> violations.addAll(ImportRules.check(name, text)));
    if (!violations.isEmpty()) {
      fail(violations.size() + " dependencies break the allowed-imports table (" + sources.size()
          + " files scanned):\n" + String.join("\n", violations));
    }
  }

  @Test
  void noPackageDependsOnItselfThroughOthers() throws IOException {
    Map<String, String> sources = mainSources();
    List<String> cycles = new ArrayList<>(Cycles.find(sources, false));
    cycles.addAll(Cycles.find(sources, true));
    if (!cycles.isEmpty()) {
      fail(cycles.size() + " package cycle(s) in the main sources (" + sources.size() + " files scanned):\n"
          + String.join("\n", cycles));
    }
  }

  @Test
  void cycleFinderNamesEveryCycleWithTheImportsThatCloseIt() {
    Map<String, String> sources = new LinkedHashMap<>();
    sources.put("a/A.java", "package io.wschaos.scenario;\nimport io.wschaos.expect.Expectation;\n");
    sources.put("b/B.java", "package io.wschaos.expect;\n\nimport io.wschaos.timeline.Event;\n"
        + "class B { io.wschaos.scenario.Messages m; }\n");
    sources.put("c/C.java", "package io.wschaos.timeline;\nimport io.wschaos.frame.Frame;\n");
    sources.put("d/D.java", "package io.wschaos.fault.builtin;\nimport io.wschaos.fault.Fault;\n");
    sources.put("e/E.java", "package io.wschaos.fault;\nimport io.wschaos.pipeline.Chain;\n");
    sources.put("f/F.java", "package io.wschaos.pipeline;\nimport static io.wschaos.fault.builtin.DropFault.X;\n");

    assertEquals(
        List.of("cycle expect → scenario → expect: b/B.java:4 refers to io.wschaos.scenario.Messages;"
                + " a/A.java:2 imports io.wschaos.expect.Expectation",
            "cycle fault → pipeline → fault.builtin → fault: e/E.java:2 imports io.wschaos.pipeline.Chain;"
                + " f/F.java:2 imports io.wschaos.fault.builtin.DropFault.X; d/D.java:2 imports io.wschaos.fault.Fault"),
        Cycles.find(sources, false));
    assertEquals(
        List.of("cycle between layers expect → scenario → expect: b/B.java:4 refers to io.wschaos.scenario.Messages;"
                + " a/A.java:2 imports io.wschaos.expect.Expectation",
            "cycle between layers fault → pipeline → fault: e/E.java:2 imports io.wschaos.pipeline.Chain;"
                + " f/F.java:2 imports io.wschaos.fault.builtin.DropFault.X"),
        Cycles.find(sources, true));
    sources.remove("a/A.java");
    sources.remove("e/E.java");
    assertEquals(List.of(), Cycles.find(sources, false));
    assertEquals(List.of(), Cycles.find(sources, true));
  }

  /** Every main source file by its path from the repository root: the root project's and every module's. */
  static Map<String, String> mainSources() throws IOException {
    List<Path> roots = new ArrayList<>();
    if (Files.isDirectory(Path.of("src", "main", "java"))) {
      roots.add(Path.of("src", "main", "java"));
    }
    try (Stream<Path> modules = Files.list(Path.of("."))) {
      modules.map(m -> m.resolve(Path.of("src", "main", "java"))).filter(Files::isDirectory).sorted().forEach(roots::add);
    }
    assertTrue(!roots.isEmpty(), () -> "no src/main/java under " + Path.of(".").toAbsolutePath());
    Map<String, String> sources = new LinkedHashMap<>();
    for (Path root : roots) {
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path file : walk.filter(p -> p.toString().endsWith(".java")).sorted().toList()) {
          sources.put(Path.of(".").relativize(file).normalize().toString().replace('\\', '/'),
              Files.readString(file, StandardCharsets.UTF_8));
        }
      }
    }
    assertTrue(sources.size() > 100, () -> "only " + sources.size() + " Java sources under " + roots
        + ": run the tests from the checkout's root");
    return sources;
  }

  /** The package dependency graph of a set of sources, and its cycles (Tarjan's strongly connected components). */
  static final class Cycles {
    private Cycles() {}

    /**
     * One line per cycle: its packages in order and, for each step, the first line that makes it.
     * {@code layers}: packages are folded to the first name under {@code io.wschaos} (the table's rows).
     */
    static List<String> find(Map<String, String> sources, boolean layers) {
      Map<String, Map<String, String>> edges = new java.util.TreeMap<>(); // from → to → evidence
      sources.forEach((file, text) -> {
        String[] lines = ImportRules.stripCommentsAndLiterals(text).split("\n", -1);
        String from = null;
        for (int i = 0; i < lines.length; i++) {
          Matcher pm = ImportRules.PACKAGE.matcher(lines[i]);
          if (from == null && pm.find()) {
            from = unit(pm.group(1), layers);
            continue;
          }
          if (from == null) {
            continue;
          }
          Matcher imp = ImportRules.IMPORT.matcher(lines[i]);
          List<String> targets = new ArrayList<>();
          String verb = imp.find() ? "imports" : "refers to";
          if (verb.equals("imports")) {
            targets.add(imp.group(1));
          } else {
            Matcher q = ImportRules.QUALIFIED.matcher(lines[i]);
            while (q.find()) {
              targets.add(q.group(1));
            }
          }
          for (String t : targets) {
            if (!t.startsWith("io.wschaos.")) {
              continue;
            }
            String to = unit(packageOf(t), layers);
            if (!to.equals(from)) {
              edges.computeIfAbsent(from, k -> new java.util.TreeMap<>())
                  .putIfAbsent(to, file + ":" + (i + 1) + " " + verb + " " + t);
            }
          }
        }
      });
      List<String> out = new ArrayList<>();
      for (List<String> component : new Tarjan(edges).components()) {
        if (component.size() > 1) {
          List<String> path = shortestCycle(component.get(0), edges, new LinkedHashSet<>(component));
          StringBuilder b = new StringBuilder(layers ? "cycle between layers " : "cycle ");
          b.append(String.join(" → ", path)).append(": ");
          List<String> why = new ArrayList<>();
          for (int k = 0; k + 1 < path.size(); k++) {
            why.add(edges.get(path.get(k)).get(path.get(k + 1)));
          }
          out.add(b.append(String.join("; ", why)).toString());
        }
      }
      return out;
    }

    /** {@code io.wschaos.fault.builtin.DropFault.Params} → {@code io.wschaos.fault.builtin}. */
    private static String packageOf(String name) {
      List<String> parts = new ArrayList<>();
      for (String part : name.split("\\.")) {
        if (part.equals("*") || Character.isUpperCase(part.charAt(0))) {
          break;
        }
        parts.add(part);
      }
      return String.join(".", parts);
    }

    private static String unit(String pkg, boolean layers) {
      String rest = pkg.startsWith("io.wschaos.") ? pkg.substring("io.wschaos.".length()) : pkg;
      return layers ? rest.split("\\.")[0] : rest;
    }

    /** The shortest path from {@code start} back to itself inside one component (breadth first). */
    private static List<String> shortestCycle(String start, Map<String, Map<String, String>> edges, Set<String> within) {
      Map<String, String> parent = new LinkedHashMap<>();
      java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>(List.of(start));
      while (!queue.isEmpty()) {
        String at = queue.poll();
        for (String next : edges.getOrDefault(at, Map.of()).keySet()) {
          if (next.equals(start)) {
            List<String> path = new ArrayList<>(List.of(start));
            for (String p = at; !p.equals(start); p = parent.get(p)) {
              path.add(1, p);
            }
            path.add(start);
            return path;
          }
          if (within.contains(next) && !parent.containsKey(next)) {
            parent.put(next, at);
            queue.add(next);
          }
        }
      }
      throw new IllegalStateException("no cycle through " + start);
    }

    private static final class Tarjan {
      private final Map<String, Map<String, String>> edges;
      private final Map<String, Integer> index = new LinkedHashMap<>();
      private final Map<String, Integer> low = new LinkedHashMap<>();
      private final java.util.Deque<String> stack = new java.util.ArrayDeque<>();
      private final Set<String> onStack = new LinkedHashSet<>();
      private final List<List<String>> components = new ArrayList<>();

      Tarjan(Map<String, Map<String, String>> edges) {
        this.edges = edges;
      }

      List<List<String>> components() {
        Set<String> nodes = new java.util.TreeSet<>(edges.keySet());
        edges.values().forEach(m -> nodes.addAll(m.keySet()));
        for (String n : nodes) {
          if (!index.containsKey(n)) {
            visit(n);
          }
        }
        components.forEach(java.util.Collections::sort);
        components.sort(java.util.Comparator.comparing(c -> c.get(0)));
        return components;
      }

      private void visit(String n) {
        index.put(n, index.size());
        low.put(n, index.get(n));
        stack.push(n);
        onStack.add(n);
        for (String m : edges.getOrDefault(n, Map.of()).keySet()) {
          if (!index.containsKey(m)) {
            visit(m);
            low.put(n, Math.min(low.get(n), low.get(m)));
          } else if (onStack.contains(m)) {
            low.put(n, Math.min(low.get(n), index.get(m)));
          }
        }
        if (low.get(n).equals(index.get(n))) {
          List<String> c = new ArrayList<>();
          String m;
          do {
            m = stack.pop();
            onStack.remove(m);
            c.add(m);
          } while (!m.equals(n));
          components.add(c);
        }
      }
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
        List.of("U.java:1 is in package io.wschaos.util, which the allowed-imports table (docs/architecture.md) does not list"),
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

  /** The allowed-imports table of docs/architecture.md, and the scanner that applies it to one source file. */
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
      rule("expect", THIRD, "frame", "timeline", "spec");
      rule("scenario", THIRD, "frame", "timeline", "spec", "fault", "expect"); // the model holds faults and expectations
      rule("journal", THIRD, "frame", "timeline", "expect");
      rule("report", THIRD, "frame", "timeline", "expect", "journal");
      rule("proxy", EnumSet.allOf(Lib.class), "frame", "timeline", "fault", "pipeline");
      rule("api", EnumSet.of(Lib.VERTX, Lib.THIRD_PARTY), "frame", "timeline", "spec", "fault", "pipeline", "proxy",
          "scenario");
      rule("toxiproxy", EnumSet.of(Lib.VERTX, Lib.THIRD_PARTY), "frame", "timeline", "spec", "fault", "pipeline", "proxy");
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

    static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;");
    static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(?:static\\s+)?([\\w.]+(?:\\.\\*)?)\\s*;");
    static final Pattern QUALIFIED = Pattern.compile("(?<![\\w.])(io\\.(?:wschaos|vertx|netty)(?:\\.\\w+)+)");

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
            + ", which the allowed-imports table (docs/architecture.md) does not list");
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
