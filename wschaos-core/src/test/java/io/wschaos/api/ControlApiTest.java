package io.wschaos.api;

import static io.wschaos.api.ApiRig.json;
import static io.wschaos.api.ApiRig.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.WebSocket;
import io.wschaos.fault.Fault;
import io.wschaos.spec.Catalog;
import io.wschaos.fault.FaultEntryParser;
import io.wschaos.fault.builtin.BuiltinFaults;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import io.wschaos.timeline.TimelineJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The control API on real sockets: each call, its errors, and its effect on live links. */
class ControlApiTest {

  // ---- faults: add, list, remove ----

  @Test
  void postingAFaultAnswers201WithItsIdAndTheListShowsItActive() {
    try (ApiRig rig = new ApiRig()) {
      HttpResponse<String> created = rig.post("/api/faults", "{\"delay\": {\"to\": \"client\", \"by\": \"200ms\"}, \"for\": \"5s\"}");
      assertEquals(201, created.statusCode(), created.body());
      JsonNode body = json(created);
      assertEquals("f1", body.get("id").asText());
      assertEquals("delay", body.at("/faults/0/name").asText());
      assertEquals("active", body.at("/faults/0/state").asText());
      assertEquals("200ms", body.at("/faults/0/entry/delay/by").asText());
      assertEquals("/api/faults/f1", created.headers().firstValue("Location").orElse(null));

      JsonNode list = json(rig.get("/api/faults"));
      assertEquals(1, list.get("faults").size());
      assertEquals("f1", list.at("/faults/0/id").asText());
    }
  }

  @Test
  void idsAreAssignedF1F2AndSkipOnesTakenByNamedFaults() {
    try (ApiRig rig = new ApiRig()) {
      assertEquals(201, rig.post("/api/faults", "{\"id\": \"f2\", \"delay\": {\"to\": \"server\", \"by\": \"1ms\"}}").statusCode());
      assertEquals("f1", json(rig.post("/api/faults", "{\"delay\": {\"to\": \"client\", \"by\": \"1ms\"}}")).get("id").asText());
      assertEquals("f3", json(rig.post("/api/faults", "{\"delay\": {\"to\": \"client\", \"by\": \"1ms\"}}")).get("id").asText());
      HttpResponse<String> clash = rig.post("/api/faults", "{\"id\": \"f3\", \"drop\": {\"to\": \"client\"}}");
      assertEquals(409, clash.statusCode(), clash.body());
      assertEquals("fault.id", json(clash).at("/problems/0/path").asText());
    }
  }

  @Test
  void anUnknownParameterIsA400ThatNamesTheFieldAndSuggestsTheRightOne() {
    try (ApiRig rig = new ApiRig()) {
      HttpResponse<String> r = rig.post("/api/faults", "{\"delay\": {\"to\": \"client\", \"by\": \"200ms\", \"jiter\": \"50ms\"}}");
      assertEquals(400, r.statusCode());
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
      JsonNode problem = json(r).at("/problems/0");
      assertEquals("fault.delay.jiter", problem.get("path").asText());
      assertTrue(problem.get("message").asText().contains("did you mean 'jitter'"), problem.toString());
      assertFalse(json(r).get("error").asText().isEmpty());
      assertEquals(0, json(rig.get("/api/faults")).get("faults").size(), "nothing was added");
    }
  }

  @Test
  void badEntriesAndBadJsonAre400sThatSayWhere() {
    try (ApiRig rig = new ApiRig()) {
      JsonNode typo = json(rig.post("/api/faults", "{\"dealy\": {\"to\": \"client\", \"by\": \"1ms\"}}"));
      assertEquals("fault.dealy", typo.at("/problems/0/path").asText());
      assertTrue(typo.at("/problems/0/message").asText().contains("did you mean 'delay'"), typo.toString());

      JsonNode badValue = json(rig.post("/api/faults", "{\"delay\": {\"to\": \"client\", \"by\": \"soon\"}, \"for\": 5}"));
      List<String> paths = new ArrayList<>();
      badValue.get("problems").forEach(p -> paths.add(p.get("path").asText()));
      assertTrue(paths.containsAll(List.of("fault.for", "fault.delay.by")), "every problem of the entry: " + badValue);

      HttpResponse<String> notJson = rig.post("/api/faults", "{\"delay\": ");
      assertEquals(400, notJson.statusCode());
      assertTrue(json(notJson).get("error").asText().contains("not valid JSON"), notJson.body());

      assertEquals(400, rig.post("/api/faults", "").statusCode());
      assertEquals(400, rig.post("/api/faults", "[1, 2]").statusCode());
      assertEquals(400, rig.get("/api/timeline?since=-1").statusCode());
      assertEquals("since", json(rig.get("/api/timeline?since=abc")).at("/problems/0/path").asText());
    }
  }

  @Test
  void deletingRemovesTheFaultAndAnUnknownIdIs404() {
    try (ApiRig rig = new ApiRig()) {
      rig.post("/api/faults", "{\"delay\": {\"to\": \"client\", \"by\": \"1ms\"}}");
      assertEquals(204, rig.delete("/api/faults/f1").statusCode());
      assertEquals(0, json(rig.get("/api/faults")).get("faults").size());
      HttpResponse<String> again = rig.delete("/api/faults/f1");
      assertEquals(404, again.statusCode());
      assertTrue(json(again).get("error").asText().contains("f1"), again.body());
    }
  }

  @Test
  void resetRemovesEveryFault() {
    try (ApiRig rig = new ApiRig()) {
      rig.post("/api/faults", "{\"delay\": {\"to\": \"client\", \"by\": \"1ms\"}}");
      rig.post("/api/faults", "{\"drop\": {\"to\": \"server\", \"first\": 1}}");
      assertEquals(2, json(rig.get("/api/faults")).get("faults").size());
      assertEquals(204, rig.post("/api/reset", "").statusCode());
      assertEquals(0, json(rig.get("/api/faults")).get("faults").size());
    }
  }

  /** A preset becomes several faults, f1.1, f1.2…; deleting f1 removes them all. */
  @Test
  void aPresetsIdRemovesAllItsParts() {
    // rolling_restart expands to close + server_down; server_down may not be registered yet on this
    // branch, so a stand-in with its parameter record takes its name for this test.
    Catalog<Fault> catalog = BuiltinFaults.catalog();
    if (!catalog.has("server_down")) {
      catalog.register("server_down", StandInParams.class, p -> new StandIn("server_down"), "stand-in");
    }
    try (ApiRig rig = new ApiRig(new VertxOptions(), new Timeline(Level.META), ApiOptions.defaults().withListen("127.0.0.1", 0), new FaultEntryParser(catalog))) {
      HttpResponse<String> r = rig.post("/api/faults", "{\"rolling_restart\": {\"code\": 1012}}");
      assertEquals(201, r.statusCode(), r.body());
      JsonNode body = json(r);
      assertEquals("f1", body.get("id").asText());
      assertEquals(List.of("f1.1", "f1.2"), ids(body.get("faults")));
      assertEquals("rolling_restart", body.at("/faults/0/preset").asText());
      assertEquals("f2", json(rig.post("/api/faults", "{\"delay\": {\"to\": \"client\", \"by\": \"1ms\"}}")).get("id").asText());
      assertEquals(204, rig.delete("/api/faults/f1").statusCode());
      assertEquals(List.of("f2"), ids(json(rig.get("/api/faults")).get("faults")));
    }
  }

  record StandInParams(String mode) {}

  record StandIn(String name) implements Fault {}

  private static List<String> ids(JsonNode faults) {
    List<String> out = new ArrayList<>();
    faults.forEach(f -> out.add(f.get("id").asText()));
    return out;
  }

  // ---- guards ----

  @Test
  void onlyJsonBodiesAreAccepted() {
    try (ApiRig rig = new ApiRig()) {
      HttpResponse<String> text = rig.send(HttpRequest.newBuilder(URI.create(rig.base() + "/api/faults"))
          .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("{\"delay\": {\"to\": \"client\", \"by\": \"1ms\"}}")));
      assertEquals(415, text.statusCode());
      assertTrue(json(text).get("error").asText().contains("application/json"), text.body());
      String none = rig.raw("POST /api/reset HTTP/1.1\r\nHost: 127.0.0.1", "");
      assertEquals(415, status(none), none);
      assertEquals(201, rig.send(HttpRequest.newBuilder(URI.create(rig.base() + "/api/faults"))
          .header("Content-Type", "application/json; charset=utf-8")
          .POST(HttpRequest.BodyPublishers.ofString("{\"delay\": {\"to\": \"client\", \"by\": \"1ms\"}}"))).statusCode());
    }
  }

  @Test
  void aForeignHostOrOriginIsRefusedWith403() {
    try (ApiRig rig = new ApiRig()) {
      String rebound = rig.raw("GET /api/faults HTTP/1.1\r\nHost: attacker.example:" + rig.api.port(), null);
      assertEquals(403, status(rebound), rebound);
      assertTrue(rebound.contains("DNS rebinding"), rebound);
      assertEquals(200, status(rig.raw("GET /api/faults HTTP/1.1\r\nHost: localhost:" + rig.api.port(), null)));
      assertEquals(200, status(rig.raw("GET /api/faults HTTP/1.1\r\nHost: [::1]:" + rig.api.port(), null)));
      String noHost = rig.raw("GET /api/faults HTTP/1.1", null);
      assertEquals(400, status(noHost), "no Host at all: " + noHost);
      String crossSite = rig.raw("POST /api/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: https://evil.example\r\nContent-Type: application/json", "{}");
      assertEquals(403, status(crossSite), crossSite);
      assertEquals(204, status(rig.raw("POST /api/reset HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://localhost:3000\r\nContent-Type: application/json", "{}")));
    }
  }

  @Test
  void withATokenEveryRequestNeedsTheBearerHeader() {
    try (ApiRig rig = new ApiRig(ApiOptions.defaults().withToken("s3cret"))) {
      HttpResponse<String> none = rig.get("/api/links");
      assertEquals(401, none.statusCode());
      assertEquals("Bearer realm=\"wschaos\"", none.headers().firstValue("WWW-Authenticate").orElse(null));
      assertEquals(401, rig.send(HttpRequest.newBuilder(URI.create(rig.base() + "/api/links")).header("Authorization", "Bearer wrong")).statusCode());
      assertEquals(200, rig.send(HttpRequest.newBuilder(URI.create(rig.base() + "/api/links")).header("Authorization", "Bearer s3cret")).statusCode());
    }
  }

  @Test
  void unknownCallsAre404AndWrongMethods405WithTheErrorShape() {
    try (ApiRig rig = new ApiRig()) {
      HttpResponse<String> nothing = rig.get("/api/nothing");
      assertEquals(404, nothing.statusCode());
      assertTrue(json(nothing).has("problems"));
      assertEquals(405, rig.delete("/api/links").statusCode());
    }
  }

  // ---- links ----

  @Test
  void linksShowsEachLiveLinkWithItsPathCountersAndFaults() throws Exception {
    try (ApiRig rig = new ApiRig()) {
      WebSocket ws = rig.connect("/feed?room=7&token=abc");
      List<String> echoed = new CopyOnWriteArrayList<>();
      ws.textMessageHandler(echoed::add);
      for (int i = 0; i < 3; i++) {
        ws.writeTextMessage("hello " + i);
      }
      await(() -> echoed.size() == 3, "3 echoes");
      rig.post("/api/faults", "{\"delay\": {\"to\": \"client\", \"by\": \"1ms\"}}");
      JsonNode links = json(rig.get("/api/links")).get("links");
      assertEquals(1, links.size(), links.toString());
      JsonNode l = links.get(0);
      assertEquals(1, l.get("link").asInt());
      assertTrue(l.get("path").asText().startsWith("/feed?room=7&token=***"), "the token is redacted: " + l);
      assertEquals(3, l.at("/to_server/messages").asLong());
      assertEquals(3 * 7, l.at("/to_server/bytes").asLong());
      assertEquals(3, l.at("/to_client/messages").asLong());
      assertEquals(0, l.at("/to_client/queued_bytes").asLong());
      assertTrue(l.get("opened_at").isNumber());
      assertNotNull(java.time.Instant.parse(l.get("opened").asText()));
      assertEquals("f1", l.at("/faults/0").asText());
      ws.close().await();
      await(() -> json(rig.get("/api/links")).get("links").isEmpty(), "the link is gone from the list");
    }
  }

  // ---- faults on live links ----

  @Test
  void aPostedCloseClosesTheConnectedClientWithItsCode() throws Exception {
    try (ApiRig rig = new ApiRig()) {
      WebSocket ws = rig.connect("/");
      CompletableFuture<String> closed = new CompletableFuture<>();
      ws.closeHandler(v -> closed.complete(ws.closeStatusCode() + " " + ws.closeReason()));
      HttpResponse<String> r = rig.post("/api/faults", "{\"close\": {\"code\": 4001, \"reason\": \"token expired\"}}");
      assertEquals(201, r.statusCode(), r.body());
      assertEquals("4001 token expired", closed.get(5, TimeUnit.SECONDS));
      await(() -> !rig.upstreamCloses.isEmpty(), "the upstream saw its close");
      assertEquals("1001 closed by wschaos fault f1", rig.upstreamCloses.get(0));
      assertEquals("done", json(rig.get("/api/faults")).at("/faults/0/state").asText(), "a one-shot fault is done once it acted");
    }
  }

  @Test
  void aPostedDelayMakesMessagesLateAndDeletingItMakesThemPromptAgain() throws Exception {
    try (ApiRig rig = new ApiRig()) {
      WebSocket ws = rig.connect("/");
      BlockingQueue<Long> arrivals = new ArrayBlockingQueue<>(16);
      ws.textMessageHandler(t -> arrivals.add(System.nanoTime() - Long.parseLong(t)));
      long before = roundTripMs(ws, arrivals);
      assertEquals(201, rig.post("/api/faults", "{\"delay\": {\"to\": \"client\", \"by\": \"300ms\"}}").statusCode());
      long delayed = roundTripMs(ws, arrivals);
      assertTrue(delayed >= 300, "with the delay a round trip took " + delayed + " ms");
      assertEquals(204, rig.delete("/api/faults/f1").statusCode());
      long after = roundTripMs(ws, arrivals);
      assertTrue(after < 150, "after DELETE a round trip took " + after + " ms (before the fault: " + before + " ms)");
    }
  }

  private static long roundTripMs(WebSocket ws, BlockingQueue<Long> arrivals) throws InterruptedException {
    ws.writeTextMessage(Long.toString(System.nanoTime()));
    Long nanos = arrivals.poll(5, TimeUnit.SECONDS);
    assertNotNull(nanos, "no echo within 5 s");
    return nanos / 1_000_000;
  }

  // ---- timeline ----

  @Test
  void timelineServesTheEventsAfterTheCursorAsRedactedJsonLines() throws Exception {
    try (ApiRig rig = new ApiRig()) {
      WebSocket ws = rig.connect("/feed?token=hunter2");
      List<String> echoed = new CopyOnWriteArrayList<>();
      ws.textMessageHandler(echoed::add);
      ws.writeTextMessage("one");
      await(() -> echoed.size() == 1, "the echo");
      await(() -> rig.timeline.stats().lastSeq() >= 4, "attempt, open and two messages recorded");

      HttpResponse<String> all = rig.get("/api/timeline?since=0");
      assertEquals(200, all.statusCode());
      assertTrue(all.headers().firstValue("Content-Type").orElse("").startsWith("application/x-ndjson"));
      List<Event> events = all.body().lines().map(TimelineJson::fromLine).toList();
      assertEquals(List.of("attempt", "open", "message", "message"), events.stream().map(Event::kind).toList().subList(0, 4));
      assertFalse(all.body().contains("hunter2"), "the token is redacted: " + all.body());
      assertTrue(all.body().contains("token=***"), all.body());
      assertEquals(Long.toString(events.get(events.size() - 1).seq()), all.headers().firstValue("Wschaos-Next-Since").orElse(null));

      HttpResponse<String> later = rig.get("/api/timeline?since=2&limit=1");
      List<Event> one = later.body().lines().map(TimelineJson::fromLine).toList();
      assertEquals(1, one.size());
      assertEquals(3, one.get(0).seq());
      assertEquals("", rig.get("/api/timeline?since=" + rig.timeline.stats().lastSeq()).body());
    }
  }

  @Test
  void eventsStreamsALinksAttemptOpenAndMessagesAndSendsHeartbeats() throws Exception {
    try (ApiRig rig = new ApiRig(ApiOptions.defaults().withHeartbeat(Duration.ofMillis(200)))) {
      try (SseReader sse = new SseReader(rig.api.port(), 64 * 1024)) {
        assertTrue(sse.head.startsWith("HTTP/1.1 200"), sse.head);
        assertTrue(sse.head.toLowerCase().contains("content-type: text/event-stream"), sse.head);
        WebSocket ws = rig.connect("/live");
        List<String> echoed = new CopyOnWriteArrayList<>();
        ws.textMessageHandler(echoed::add);
        ws.writeTextMessage("ping-1");
        List<String> kinds = new ArrayList<>();
        boolean heartbeat = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while ((kinds.size() < 4 || !heartbeat) && System.nanoTime() < deadline) {
          String line = sse.readLine();
          if (line.startsWith(": heartbeat")) {
            heartbeat = true;
          } else if (line.startsWith("data: ")) {
            Event e = TimelineJson.fromLine(line.substring(6));
            assertEquals(1, e.link());
            kinds.add(e.kind());
          }
        }
        assertEquals(List.of("attempt", "open", "message", "message"), kinds.subList(0, Math.min(4, kinds.size())));
        assertTrue(heartbeat, "a heartbeat comment within 5 s at a 200 ms period");
        assertEquals(1, rig.api.eventStreams());
      }
      await(() -> rig.api.eventStreams() == 0, "the stream unsubscribes once its reader hangs up");
    }
  }

  /**
   * A reader that stops reading falls behind: its bounded queue fills, it misses events, and it gets a
   * gap event once it reads again. Meanwhile the link carries its messages at full speed.
   */
  @Test
  void aStalledEventReaderGetsAGapAndDoesNotSlowTheLink() throws Exception {
    Timeline small = new Timeline(Level.META, Timeline.Options.defaults().withSubscriberQueue(64));
    ApiOptions api = ApiOptions.defaults().withListen("127.0.0.1", 0).withStreamBytes(4096);
    try (ApiRig rig = new ApiRig(new VertxOptions(), small, api, new FaultEntryParser(BuiltinFaults.catalog()));
        SseReader stalled = new SseReader(rig.api.port(), 4096)) {
      WebSocket ws = rig.connect("/");
      BlockingQueue<String> echoes = new ArrayBlockingQueue<>(10_000);
      ws.textMessageHandler(echoes::add);
      int n = 3000;
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        ws.writeTextMessage("m" + i);
      }
      for (int i = 0; i < n; i++) {
        assertNotNull(echoes.poll(5, TimeUnit.SECONDS), "echo " + i);
      }
      long floodMs = (System.nanoTime() - t0) / 1_000_000;
      List<Long> rtts = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        long s = System.nanoTime();
        ws.writeTextMessage("probe");
        assertNotNull(echoes.poll(5, TimeUnit.SECONDS));
        rtts.add((System.nanoTime() - s) / 1_000_000);
      }
      rtts.sort(null);
      assertTrue(floodMs < 5000, n + " round trips took " + floodMs + " ms");
      assertTrue(rtts.get(10) < 50, "median round trip while the reader is stalled: " + rtts);

      long missed = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (missed == 0 && System.nanoTime() < deadline) {
        String line = stalled.readLine();
        if (line.startsWith("data: ") && line.contains("\"kind\":\"gap\"")) {
          missed = ApiRig.JSON.readTree(line.substring(6)).get("missed").asLong();
        }
      }
      assertTrue(missed > 0, "the stalled reader got a gap event");
    }
  }

  /** Reads /api/events on a plain socket whose receive buffer is {@code receiveBuffer} bytes. */
  static final class SseReader implements AutoCloseable {
    final Socket socket = new Socket();
    final BufferedReader in;
    final String head;

    SseReader(int port, int receiveBuffer) throws IOException {
      socket.setReceiveBufferSize(receiveBuffer);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream raw = socket.getInputStream();
      in = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8), 256);
      StringBuilder h = new StringBuilder();
      String line;
      while ((line = in.readLine()) != null && !line.isEmpty()) {
        h.append(line).append('\n');
      }
      head = h.toString();
    }

    /** The next line of the stream, chunk-size lines skipped. */
    String readLine() throws IOException {
      String line;
      do {
        line = in.readLine();
        if (line == null) {
          throw new IOException("the stream ended");
        }
      } while (line.matches("[0-9a-fA-F]+"));
      return line;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  // ---- docs/api.md ----

  /**
   * Runs every curl example of docs/api.md, in order, against a live proxy with one link, and checks
   * each answer against the response the page shows under it: the status line, and for JSON errors
   * the whole body. Examples under {@code <!-- api-token: X -->} run against an API started with
   * that token.
   */
  @Test
  void everyCurlExampleInTheDocsAnswersAsTheDocsShow() throws Exception {
    List<DocExample> examples = DocExample.read(java.nio.file.Path.of("docs", "api.md"));
    assertTrue(examples.size() >= 8, "examples found: " + examples.size());
    try (ApiRig rig = new ApiRig(); ApiRig tokenRig = new ApiRig(ApiOptions.defaults().withToken("s3cret"))) {
      WebSocket ws = rig.connect("/feed?room=7");
      List<String> echoed = new CopyOnWriteArrayList<>();
      ws.textMessageHandler(echoed::add);
      ws.writeTextMessage("hello");
      await(() -> echoed.size() == 1, "the echo");
      for (DocExample ex : examples) {
        ApiRig target = ex.token() == null ? rig : tokenRig;
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(target.base() + ex.path()));
        ex.headers().forEach(req::header);
        req.method(ex.method(), ex.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(ex.body()));
        if (ex.path().startsWith("/api/events")) {
          HttpResponse<InputStream> stream = target.http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
          assertEquals(ex.status(), stream.statusCode(), ex.toString());
          stream.body().close();
          continue;
        }
        HttpResponse<String> r = target.send(req);
        assertEquals(ex.status(), r.statusCode(), ex + "\n" + r.body());
        if (ex.status() >= 400 && ex.json() != null) {
          assertEquals(ApiRig.JSON.readTree(ex.json()), json(r), ex.toString());
        } else if (ex.json() != null) {
          JsonNode shown = ApiRig.JSON.readTree(ex.json());
          JsonNode got = json(r);
          for (Iterator<String> it = shown.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            assertTrue(got.has(k), "the docs show '" + k + "' in " + ex + ", the API answered " + r.body());
          }
          if (shown.has("id")) {
            assertEquals(shown.get("id"), got.get("id"), ex.toString());
          }
        }
      }
    }
  }

  /** One curl example of docs/api.md with the response the page shows for it. */
  @Test
  void theEventStreamAloneTakesTheTokenInItsQueryForBrowsers() throws Exception {
    try (ApiRig rig = new ApiRig(ApiOptions.defaults().withToken("s3cret"))) {
      assertEquals(401, rig.get("/api/events").statusCode());
      assertEquals(401, rig.get("/api/faults?token=s3cret").statusCode(), "only the stream takes it in the query");
      assertEquals(401, rig.get("/api/events?token=wrong").statusCode());
      var streaming = rig.http.sendAsync(
          java.net.http.HttpRequest.newBuilder(java.net.URI.create(rig.base() + "/api/events?token=s3cret")).GET().build(),
          java.net.http.HttpResponse.BodyHandlers.ofInputStream());
      var r = streaming.get(5, TimeUnit.SECONDS);
      assertEquals(200, r.statusCode());
      assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"), r.headers().toString());
      r.body().close();
    }
  }

  record DocExample(String method, String path, Map<String, String> headers, String body, int status, String json, String token) {
    private static final Pattern BLOCK =
        Pattern.compile("(?:<!-- api-token: (\\S+) -->\\s*)?```sh\\n(curl (?:(?!```).)*)```\\s*```http\\n((?:(?!```).)*)```", Pattern.DOTALL);
    private static final Pattern URL = Pattern.compile("http://127\\.0\\.0\\.1:8474(/\\S*?)'?(?:\\s|$)");
    private static final Pattern HEADER = Pattern.compile("-H '([^:]+): ([^']*)'");
    private static final Pattern DATA = Pattern.compile("-d '([^']*)'");
    private static final Pattern METHOD = Pattern.compile("-X (\\w+)");

    static List<DocExample> read(java.nio.file.Path file) throws IOException {
      String doc = java.nio.file.Files.readString(file);
      List<DocExample> out = new ArrayList<>();
      Matcher m = BLOCK.matcher(doc);
      while (m.find()) {
        String curl = m.group(2).replace("\\\n", " ");
        Matcher url = URL.matcher(curl);
        if (!url.find()) {
          throw new AssertionError("no http://127.0.0.1:8474/... URL in " + curl);
        }
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        Matcher h = HEADER.matcher(curl);
        while (h.find()) {
          headers.put(h.group(1), h.group(2));
        }
        Matcher d = DATA.matcher(curl);
        String body = d.find() ? d.group(1) : null;
        Matcher x = METHOD.matcher(curl);
        String method = x.find() ? x.group(1) : body != null ? "POST" : "GET";
        String response = m.group(3);
        int status = Integer.parseInt(response.substring(9, 12));
        int blank = response.indexOf("\n\n");
        String json = null;
        if (blank > 0 && response.toLowerCase().contains("content-type: application/json")) {
          json = response.substring(blank + 2).trim();
        }
        out.add(new DocExample(method, url.group(1), headers, body, status, json, m.group(1)));
      }
      int curls = doc.split("```sh\ncurl", -1).length - 1;
      if (curls != out.size()) {
        throw new AssertionError(curls + " curl examples in " + file + " but " + out.size() + " with the ```http answer after them");
      }
      return out;
    }

    @Override
    public String toString() {
      return method + " " + path + (body == null ? "" : " " + body) + " (docs/api.md)";
    }
  }

  static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 5 s: " + what);
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
