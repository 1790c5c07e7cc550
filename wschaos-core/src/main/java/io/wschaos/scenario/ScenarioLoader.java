package io.wschaos.scenario;

import io.wschaos.expect.Expectation;
import io.wschaos.expect.Messages;
import io.wschaos.spec.Catalog;
import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultEntryParser;
import io.wschaos.spec.Problem;
import io.wschaos.spec.SpecException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads scenario files and suites (folders) into validated {@link Scenario}s, with every error of
 * every file located as {@code file:line:column: key.path: message}.
 *
 * <p>Locations: each file is streamed through Jackson's YAML parser into a tree while the line and
 * column of every key and value are kept by key path ({@link LocatedYaml}); problems found later by
 * key path alone — by {@link FaultEntryParser}, the expectation catalogue or the cross-field rules —
 * are located by looking their path up (or its nearest enclosing node).
 *
 * <p>Suites: a folder is read recursively (*.yaml and *.yml, except wschaos.yaml). A scenario gets
 * the top-level keys it lacks from the wschaos.yaml files of its folder and the folders above it, up
 * to the working directory (when the scenario lies below it; else up to the folder or beside the
 * file named on the command line), the nearest winning; errors in keys that came from a
 * wschaos.yaml are located in that file. So {@code wschaos run scenarios/reconnect/} or a single
 * file plays its scenarios as the whole suite would.
 */
public final class ScenarioLoader {
  /** The shared settings file of a suite folder. */
  public static final String SUITE_FILE = "wschaos.yaml";

  private final FaultEntryParser faults;
  private final Catalog<Expectation> expectations;

  public ScenarioLoader(Catalog<Fault> faults, Catalog<Expectation> expectations) {
    this.faults = new FaultEntryParser(faults);
    this.expectations = expectations;
  }

  /**
   * What {@link #load} found: the valid scenarios, every error (in file order, each once), and how
   * many scenario files were read.
   */
  public record Loaded(List<Scenario> scenarios, List<Problem> errors, int files) {
    public boolean ok() {
      return errors.isEmpty();
    }
  }

  /** Reads files and folders (suites); never throws for bad input, which is in {@link Loaded#errors()}. */
  public Loaded load(List<Path> paths) {
    Run run = new Run();
    for (Path p : paths) {
      run.path(p);
    }
    if (run.files == 0 && run.errors.isEmpty()) {
      run.errors.add(Problem.inFile(paths.isEmpty() ? "wschaos" : paths.get(0).toString(), "empty suite: no scenario files to run"));
    }
    return new Loaded(List.copyOf(run.scenarios), List.copyOf(run.errors), run.files);
  }

  /** One scenario file, with the wschaos.yaml files that apply to it (see the class comment). */
  public Scenario loadFile(Path file) {
    Loaded l = load(List.of(file));
    if (!l.ok()) {
      throw new SpecException(l.errors());
    }
    return l.scenarios().get(0);
  }

  /** One scenario from text (the control API, tests); {@code file} names it in errors; no suite defaults. */
  public Scenario parse(String yaml, String file) {
    LocatedYaml y = LocatedYaml.parse(yaml, file);
    List<Problem> errors = new ArrayList<>();
    Scenario s = build(y, null, defaultName(Path.of(file)), List.of(), errors);
    if (s == null) {
      throw new SpecException(errors);
    }
    return s;
  }

  private Scenario build(LocatedYaml y, Path file, String defaultName, List<LocatedYaml> defaults, List<Problem> out) {
    List<Problem> errors = new ArrayList<>();
    for (Problem i : y.issues()) {
      errors.add(locate(y, i));
    }
    if (y.root() == null) {
      out.addAll(errors);
      return null;
    }
    LocatedYaml merged = y;
    for (LocatedYaml d : defaults) {
      merged = merged.withDefaults(d, ScenarioKeys.DEFAULTS);
    }
    ScenarioBuilder b = new ScenarioBuilder(faults, expectations);
    Scenario s = b.build(merged.root(), file, defaultName, false);
    for (Problem i : b.issues()) {
      errors.add(locate(merged, i));
    }
    errors.sort(IN_FILE_ORDER);
    out.addAll(errors);
    return errors.isEmpty() ? s : null;
  }

  private static final Comparator<Problem> IN_FILE_ORDER =
      Comparator.comparing(Problem::file).thenComparingInt(Problem::line).thenComparingInt(Problem::column);

  /**
   * A {@code messages:} block on its own, in YAML or JSON — its declarations, as {@code seq: {to:
   * client, match: {type: data}, field: /seq}} — checked like a scenario file's (the Java API's
   * proxies declare theirs so). Every problem is located in {@code text}, with the scenario file's
   * key path: {@code where:1:27: messages.seq.field: 'seq' is not a JSON pointer …}.
   *
   * @throws SpecException with every problem
   */
  public Messages parseMessages(String text, String where) {
    LocatedYaml y = LocatedYaml.parse(text == null ? "" : text, where);
    List<Problem> errors = new ArrayList<>();
    for (Problem i : y.issues()) {
      errors.add(locate(y, i));
    }
    if (y.root() == null) {
      throw new SpecException(errors);
    }
    ScenarioBuilder b = new ScenarioBuilder(faults, expectations);
    Messages m = b.messages(y.root().isMissingNode() ? null : y.root());
    for (Problem i : b.issues()) {
      // paths are the scenario file's (messages.seq.field); the text is the block's value
      String inText = i.path().equals("messages") ? "" : i.path().startsWith("messages.") ? i.path().substring("messages.".length()) : i.path();
      errors.add(i.located(y.locate(new Problem(inText, i.message(), i.atKey(), i.at()))));
    }
    if (!errors.isEmpty()) {
      throw new SpecException(errors);
    }
    return m;
  }

  private static Problem locate(LocatedYaml y, Problem i) {
    return i.located(y.locate(i));
  }

  /**
   * The YAML syntax error in {@code text}, located as scenario files are ({@code --fault[2]:1:22:
   * YAML syntax error: …}), {@code source} naming the text; null when it parses.
   */
  public static Problem yamlSyntax(String text, String source) {
    LocatedYaml y = LocatedYaml.parse(text, source);
    return y.root() != null || y.issues().isEmpty() ? null : y.issues().get(0);
  }

  static String defaultName(Path file) {
    String n = file.getFileName() == null ? "scenario" : file.getFileName().toString();
    int dot = n.lastIndexOf('.');
    n = dot > 0 ? n.substring(0, dot) : n;
    n = n.replaceAll("[^A-Za-z0-9_.-]", "-");
    return n.isEmpty() || !Character.isLetterOrDigit(n.charAt(0)) ? "s" + n : n;
  }

  /** The text of {@code bytes}, or null when they are not UTF-8. */
  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      return null;
    }
  }

  /** Where the first byte that is not UTF-8 is (line and column of the text before it), and its value. */
  private static Problem notUtf8(Path p, byte[] bytes) {
    int good = 0;
    java.nio.charset.CharsetDecoder d = StandardCharsets.UTF_8.newDecoder();
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
    java.nio.charset.CoderResult r = d.decode(in, out, true);
    if (r.isError()) {
      good = in.position();
    }
    String before = new String(bytes, 0, good, StandardCharsets.UTF_8);
    int line = 1;
    int column = 1;
    for (int i = 0; i < before.length(); i++) {
      if (before.charAt(i) == '\n') {
        line++;
        column = 1;
      } else {
        column++;
      }
    }
    String msg = String.format(java.util.Locale.ROOT, "not UTF-8 text: byte 0x%02X (byte %d of the file) is not valid UTF-8 here", bytes[good] & 0xff, good + 1);
    return new Problem("", msg, false, new Problem.Location(p.toString(), line, column));
  }

  private static boolean isScenarioFile(Path p) {
    String n = p.getFileName().toString();
    return (n.endsWith(".yaml") || n.endsWith(".yml")) && !n.equals(SUITE_FILE);
  }

  /** One call of {@link #load}: what was read so far. */
  private final class Run {
    final Set<Problem> errors = new LinkedHashSet<>();
    final List<Scenario> scenarios = new ArrayList<>();
    final Set<Path> seen = new LinkedHashSet<>();
    final Map<Path, LocatedYaml> suiteFiles = new HashMap<>();
    final Map<String, Path> names = new LinkedHashMap<>();
    int files;

    void path(Path p) {
      if (!Files.exists(p)) {
        errors.add(Problem.inFile(p.toString(), "no such file or folder"));
      } else if (Files.isDirectory(p)) {
        folder(p);
      } else if (p.getFileName().toString().equals(SUITE_FILE)) {
        suiteFile(p);
      } else {
        file(p, suiteTop(p.toAbsolutePath().normalize().getParent()));
      }
    }

    void folder(Path root) {
      List<Path> found;
      try (Stream<Path> walk = Files.walk(root)) {
        found = walk.filter(Files::isRegularFile).sorted().toList();
      } catch (IOException e) {
        errors.add(Problem.inFile(root.toString(), "cannot read this folder: " + e.getMessage()));
        return;
      }
      found.stream().filter(f -> f.getFileName().toString().equals(SUITE_FILE)).forEach(this::suiteFile);
      List<Path> scenarioFiles = found.stream().filter(ScenarioLoader::isScenarioFile).toList();
      if (scenarioFiles.isEmpty()) {
        errors.add(Problem.inFile(root.toString(), "empty suite: no scenario files (*.yaml, *.yml other than " + SUITE_FILE + ") in this folder"));
      }
      Path top = suiteTop(root.toAbsolutePath().normalize());
      for (Path f : scenarioFiles) {
        file(f, top);
      }
    }

    void file(Path file, Path suiteRoot) {
      if (!seen.add(file.toAbsolutePath().normalize())) {
        return;
      }
      files++;
      String text = read(file);
      if (text == null) {
        return;
      }
      LocatedYaml y = LocatedYaml.parse(text, file.toString());
      List<Problem> out = new ArrayList<>();
      Scenario s = build(y, file, defaultName(file), defaultsFor(file, suiteRoot), out);
      errors.addAll(out);
      if (s == null) {
        return;
      }
      Path first = names.putIfAbsent(s.name(), file);
      if (first != null) {
        errors.add(locate(y, new Problem("name", "scenario name '" + s.name() + "'" + (y.root().has("name") ? "" : " (from the file name)")
            + " is already used by " + first + "; names identify scenarios in reports and JUnit XML")));
        return;
      }
      scenarios.add(s);
    }

    /**
     * How far up wschaos.yaml files apply to what is under {@code dir}: to the working directory
     * when {@code dir} lies below it (so a sub-suite or a single file plays as in the whole suite),
     * else {@code dir} itself.
     */
    Path suiteTop(Path dir) {
      Path here = Path.of("").toAbsolutePath().normalize();
      return dir.startsWith(here) ? here : dir;
    }

    /** The wschaos.yaml files that apply to {@code file}, nearest first, up to {@code suiteRoot}. */
    List<LocatedYaml> defaultsFor(Path file, Path suiteRoot) {
      List<LocatedYaml> out = new ArrayList<>();
      Path root = suiteRoot.normalize();
      for (Path dir = file.toAbsolutePath().normalize().getParent(); dir != null && dir.startsWith(root); dir = dir.getParent()) {
        Path candidate = dir.resolve(SUITE_FILE);
        if (Files.isRegularFile(candidate)) {
          LocatedYaml d = suiteFile(labelFor(file, candidate));
          if (d != null && d.root() != null) {
            out.add(d);
          }
        }
      }
      return out;
    }

    /** The wschaos.yaml's path as the user would write it: relative like the scenario file's when that was relative. */
    Path labelFor(Path file, Path absoluteSuiteFile) {
      if (file.isAbsolute()) {
        return absoluteSuiteFile;
      }
      Path cwd = Path.of("").toAbsolutePath();
      return absoluteSuiteFile.startsWith(cwd) ? cwd.relativize(absoluteSuiteFile) : absoluteSuiteFile;
    }

    /** Reads and checks a wschaos.yaml once; its own errors are reported once. */
    LocatedYaml suiteFile(Path p) {
      Path key = p.toAbsolutePath().normalize();
      if (suiteFiles.containsKey(key)) {
        return suiteFiles.get(key);
      }
      String text = read(p);
      LocatedYaml y = text == null ? null : LocatedYaml.parse(text, p.toString());
      suiteFiles.put(key, y);
      if (y != null) {
        y.issues().forEach(i -> errors.add(locate(y, i)));
        if (y.root() != null) {
          ScenarioBuilder b = new ScenarioBuilder(faults, expectations);
          b.build(y.root(), p, "suite", true);
          b.issues().stream().map(i -> locate(y, i)).sorted(IN_FILE_ORDER).forEach(errors::add);
        }
      }
      return y;
    }

    String read(Path p) {
      try {
        byte[] bytes = Files.readAllBytes(p);
        String text = utf8(bytes);
        if (text == null) {
          errors.add(notUtf8(p, bytes));
        }
        return text;
      } catch (IOException e) {
        errors.add(Problem.inFile(p.toString(), "cannot read: " + e.getMessage()));
      }
      return null;
    }
  }
}
