package io.wschaos.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wschaos.frame.Direction;
import io.wschaos.frame.Leg;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class TimelineJsonTest {
  @TempDir Path dir;

  static Stream<Event> everyKind() {
    return Samples.everyKind().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyKind")
  void everyKindSurvivesAJsonlRoundTrip(Event e) throws IOException {
    Path file = dir.resolve("one.jsonl");
    JsonlWriter.write(file, List.of(e), Redactor.OFF);
    assertEquals(List.of(e), JsonlReader.read(file), () -> "line was " + read(file));
  }

  @Test
  void aWholeFileOfEveryKindReadsBackInOrder() throws IOException {
    Path file = dir.resolve("all.jsonl");
    List<Event> events = Samples.everyKind();
    JsonlWriter.write(file, events, Redactor.OFF);
    assertEquals(events.size(), Files.readAllLines(file).size(), "one line per event");
    assertEquals(events, JsonlReader.read(file));
  }

  @Test
  void theSamplesCoverEveryKindAndEveryRecord() {
    Set<String> sampled = Samples.everyKind().stream().map(Event::kind).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(new TreeSet<>(TimelineJson.kinds()), sampled, "every kind of the mapping table has a sample");
    Set<String> records =
        Stream.of(EventBody.class.getPermittedSubclasses())
            .map(Class::getSimpleName)
            .filter(n -> !n.equals("Unknown"))
            .collect(Collectors.toCollection(TreeSet::new));
    Set<String> sampledRecords =
        Samples.everyKind().stream().map(e -> e.body().getClass().getSimpleName()).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(records, sampledRecords, "every EventBody record (but Unknown) has a sample");
  }

  @Test
  void aLineIsTheHeaderThenTheKindsFieldsFlattenedWithLowercaseEnums() {
    Event e =
        new Event(7, 1_234_567, 2, 1, Phase.RUN,
            new EventBody.Message(Direction.TO_SERVER, 3, "text", 5, 1, "hello", false));
    assertEquals(
        "{\"v\":1,\"seq\":7,\"t\":1234.567,\"kind\":\"message\",\"link\":2,\"client\":1,\"phase\":\"run\","
            + "\"to\":\"server\",\"id\":3,\"opcode\":\"text\",\"size\":5,\"frames\":1,\"preview\":\"hello\"}",
        TimelineJson.toLine(e));
    Event close = new Event(8, 2_000_000, 2, 1, Phase.TEARDOWN, new EventBody.Close(Leg.CLIENT, "proxy", 1001, null, "restart"));
    assertEquals(
        "{\"v\":1,\"seq\":8,\"t\":2000.000,\"kind\":\"close\",\"link\":2,\"client\":1,\"phase\":\"teardown\","
            + "\"leg\":\"client\",\"by\":\"proxy\",\"code\":1001,\"fault\":\"restart\"}",
        TimelineJson.toLine(close));
  }

  @Test
  void snakeCaseNamesAndDurationsInMilliseconds() {
    String ended = TimelineJson.toLine(new Event(1, 0, 1, 0, Phase.RUN, new EventBody.Ended(10, 20)));
    assertTrue(ended.endsWith("\"bytes_to_server\":10,\"bytes_to_client\":20}"), ended);
    String http = TimelineJson.toLine(new Event(2, 5, 0, 0, Phase.RUN, new EventBody.Http("GET", "/x", 200, 1_500)));
    assertTrue(http.endsWith("\"method\":\"GET\",\"path\":\"/x\",\"status\":200,\"duration_ms\":1.500}"), http);
  }

  @Test
  void timeIsMillisecondsWithMicrosecondPrecision() {
    assertEquals("0.000", TimelineJson.millis(0));
    assertEquals("0.001", TimelineJson.millis(1));
    assertEquals("0.040", TimelineJson.millis(40));
    assertEquals("1234.567", TimelineJson.millis(1_234_567));
    assertEquals("-0.005", TimelineJson.millis(-5));
    assertEquals(5_000, TimelineJson.micros(new BigDecimal("5")));
    assertEquals(1_235, TimelineJson.micros(new BigDecimal("1.2345")), "beyond µs rounds half up");
    assertEquals(86_400_000_000_123L, TimelineJson.micros(new BigDecimal("86400000000.123")), "no floating-point loss");
  }

  @Test
  void nullFieldsAndFalseFlagsAreLeftOut() {
    String line = TimelineJson.toLine(new Event(1, 0, 1, 0, Phase.RUN, new EventBody.Close(Leg.SERVER, "server", null, null, null)));
    assertFalse(line.contains("code") || line.contains("reason") || line.contains("fault") || line.contains("null"), line);
    String msg = TimelineJson.toLine(new Event(1, 0, 1, 0, Phase.RUN, new EventBody.Message(Direction.TO_CLIENT, 1, "text", 3, 1, null, false)));
    assertFalse(msg.contains("preview") || msg.contains("truncated"), msg);
  }

  @Test
  void unknownFieldsAreIgnored() {
    Event e = Samples.everyKind().get(0);
    String line = TimelineJson.toLine(e);
    String future = line.substring(0, line.length() - 1) + ",\"future\":{\"x\":[1,2]},\"rtt_ms\":3.5}";
    assertEquals(e, JsonlReader.parse(future));
  }

  @Test
  void unknownKindsAreKeptAndWrittenBackUnchanged() {
    String line =
        "{\"v\":1,\"seq\":4,\"t\":12.000,\"kind\":\"annotation\",\"link\":0,\"client\":1,\"phase\":\"run\","
            + "\"expectation\":\"reconnect\",\"pass\":false,\"evidence\":[3,4]}";
    Event e = JsonlReader.parse(line);
    EventBody.Unknown u = assertInstanceOf(EventBody.Unknown.class, e.body());
    assertEquals("annotation", e.kind());
    assertEquals(Map.of("expectation", "reconnect", "pass", false, "evidence", List.of(3, 4)), u.fields());
    assertEquals(line, TimelineJson.toLine(e));
  }

  @Test
  void aNewerMajorVersionIsRefusedWithTheLineAndWhatToDo() {
    String ok = TimelineJson.toLine(Samples.everyKind().get(3));
    String newer = ok.replace("{\"v\":1,", "{\"v\":99,");
    TimelineFormatException x =
        assertThrows(TimelineFormatException.class, () -> new JsonlReader(new StringReader(ok + "\n" + newer + "\n")).readAll());
    assertEquals(2, x.line());
    assertEquals(
        "line 2: timeline schema version v=99 is newer than this wschaos reads (v=1); upgrade wschaos to read this file",
        x.getMessage());
  }

  @Test
  void badLinesNameTheLineTheKindAndTheField() {
    String ok = TimelineJson.toLine(Samples.everyKind().get(7));
    String badSize = ok.replace("\"size\":17", "\"size\":\"17\"");
    TimelineFormatException x =
        assertThrows(TimelineFormatException.class, () -> new JsonlReader(new StringReader("\n" + badSize)).readAll());
    assertEquals("line 2: message: field 'size' must be an integer, got \"17\"", x.getMessage());

    String noSeq = ok.replace("\"seq\":8,", "");
    assertEquals("event: field 'seq' must be an integer, got nothing",
        assertThrows(TimelineFormatException.class, () -> JsonlReader.parse(noSeq)).getMessage());
    assertTrue(assertThrows(TimelineFormatException.class, () -> JsonlReader.parse("{\"v\":1,")).getMessage().startsWith("not JSON"));
    assertEquals("field 'v' must be 1 or more, got 0",
        assertThrows(TimelineFormatException.class, () -> JsonlReader.parse(ok.replace("\"v\":1", "\"v\":0"))).getMessage());
    assertEquals("message: field 'to' must be server or client, got \"sideways\"",
        assertThrows(TimelineFormatException.class, () -> JsonlReader.parse(ok.replace("\"to\":\"server\"", "\"to\":\"sideways\""))).getMessage());
  }

  @Test
  void everyExampleLineInTheDocsReadsAndWritesBackUnchanged() throws IOException {
    List<String> doc = Files.readAllLines(Path.of("docs/timeline.md"), StandardCharsets.UTF_8);
    Set<String> kinds = new TreeSet<>();
    boolean inBlock = false;
    int examples = 0;
    for (String line : doc) {
      if (line.startsWith("```")) {
        inBlock = line.equals("```jsonl");
        continue;
      }
      if (inBlock && !line.isBlank()) {
        Event e = JsonlReader.parse(line);
        assertEquals(line, TimelineJson.toLine(e), "docs/timeline.md example rewrites unchanged");
        kinds.add(e.kind());
        examples++;
      }
    }
    assertTrue(examples > 0, "docs/timeline.md has ```jsonl examples");
    assertEquals(new TreeSet<>(TimelineJson.kinds()), kinds, "docs/timeline.md has an example of every kind");
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
