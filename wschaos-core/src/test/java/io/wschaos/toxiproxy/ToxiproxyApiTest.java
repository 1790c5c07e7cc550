package io.wschaos.toxiproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The API's answers byte for byte where Toxiproxy's are fixed (api.go, proxy_collection.go,
 * toxic_collection.go): status codes, the {@code {"error", "status"}} bodies as Go's http.Error
 * writes them (text/plain, a newline), JSON shapes and defaults, over raw HTTP.
 */
class ToxiproxyApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static ToxiRig rig;

  @BeforeAll
  static void up() throws Exception {
    rig = new ToxiRig();
  }

  @AfterAll
  static void down() throws Exception {
    rig.close();
  }

  @AfterEach
  void clear() throws Exception {
    JsonNode all = JSON.readTree(rig.call("GET", "/proxies", null).body());
    for (var it = all.fieldNames(); it.hasNext(); ) {
      assertEquals(204, rig.call("DELETE", "/proxies/" + it.next(), null).status());
    }
  }

  private static void assertError(ToxiRig.Answer a, int status, String message) {
    assertEquals(status, a.status(), a.body());
    assertEquals("text/plain; charset=utf-8", a.contentType());
    assertEquals("{\"error\":\"" + message + "\",\"status\":" + status + "}\n", a.body());
  }

  private String create(String name) throws Exception {
    ToxiRig.Answer a = rig.call("POST", "/proxies", "{\"name\":\"" + name + "\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"" + rig.upstreamAddress() + "\"}");
    assertEquals(201, a.status(), a.body());
    return a.body();
  }

  @Test
  void badProxyRequestsGetToxiproxysErrors() throws Exception {
    assertError(rig.call("POST", "/proxies", ""), 400, "bad request body: EOF");
    assertError(rig.call("POST", "/proxies", "[]"), 400, "bad request body: json: cannot unmarshal array into Go value of type toxiproxy.Proxy");
    assertError(rig.call("POST", "/proxies", "{\"name\": 5}"), 400, "bad request body: json: cannot unmarshal number into Go struct field Proxy.name of type string");
    assertError(rig.call("POST", "/proxies", "{\"upstream\":\"127.0.0.1:1\"}"), 400, "missing required field: name");
    assertError(rig.call("POST", "/proxies", "{\"name\":\"x\"}"), 400, "missing required field: upstream");
    assertError(rig.call("POST", "/proxies", "{\"name\":\"x\",\"listen\":\"nocolon\",\"upstream\":\"127.0.0.1:1\"}"), 500, "listen tcp: address nocolon: missing port in address");
    create("a");
    assertError(rig.call("POST", "/proxies", "{\"name\":\"a\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:1\"}"), 409, "proxy already exists");
    assertError(rig.call("GET", "/proxies/nope", null), 404, "proxy not found");
    assertError(rig.call("POST", "/proxies/nope", "{}"), 404, "proxy not found");
    assertError(rig.call("DELETE", "/proxies/nope", null), 404, "proxy not found");
    assertError(rig.call("GET", "/proxies/nope/toxics", null), 404, "proxy not found");
    assertError(rig.call("POST", "/proxies/nope/toxics", "{\"type\":\"latency\"}"), 404, "proxy not found");
  }

  @Test
  void badToxicRequestsGetToxiproxysErrorsInToxiproxysOrder() throws Exception {
    create("a");
    assertError(rig.call("POST", "/proxies/a/toxics", ""), 400, "bad request body: EOF");
    assertError(rig.call("POST", "/proxies/a/toxics", "{\"type\":\"latency\",\"stream\":\"sideways\"}"), 400, "stream was invalid, can be either upstream or downstream");
    assertError(rig.call("POST", "/proxies/a/toxics", "{\"type\":\"nonsense\",\"stream\":\"sideways\"}"), 400, "stream was invalid, can be either upstream or downstream");
    assertError(rig.call("POST", "/proxies/a/toxics", "{\"type\":\"nonsense\"}"), 400, "invalid toxic type");
    assertError(rig.call("POST", "/proxies/a/toxics", "{}"), 400, "invalid toxic type");
    assertError(rig.call("POST", "/proxies/a/toxics", "{\"type\":\"latency\",\"toxicity\":\"high\"}"), 400, "bad request body: json: cannot unmarshal string into Go struct field ToxicWrapper.toxicity of type float32");
    assertError(rig.call("POST", "/proxies/a/toxics", "{\"type\":\"latency\",\"attributes\":{\"latency\":\"slow\"}}"), 400, "bad request body: json: cannot unmarshal string into Go struct field .attributes.latency of type int64");
    assertEquals(200, rig.call("POST", "/proxies/a/toxics", "{\"type\":\"latency\",\"attributes\":{\"latency\":10}}").status());
    assertError(rig.call("POST", "/proxies/a/toxics", "{\"type\":\"latency\"}"), 409, "toxic already exists");
    assertError(rig.call("POST", "/proxies/a/toxics", "{\"type\":\"bandwidth\",\"name\":\"latency_downstream\",\"stream\":\"upstream\"}"), 409, "toxic already exists");
    assertError(rig.call("GET", "/proxies/a/toxics/nope", null), 404, "toxic not found");
    assertError(rig.call("POST", "/proxies/a/toxics/nope", "{}"), 404, "toxic not found");
    assertError(rig.call("DELETE", "/proxies/a/toxics/nope", null), 404, "toxic not found");
  }

  @Test
  void shapesAndDefaultsAreToxiproxys() throws Exception {
    JsonNode p = JSON.readTree(create("a"));
    assertEquals(java.util.List.of("name", "listen", "upstream", "enabled", "toxics"), fieldNames(p));
    assertTrue(p.get("listen").asText().matches("127\\.0\\.0\\.1:[1-9]\\d*"), p.toString());
    assertEquals(rig.upstreamAddress(), p.get("upstream").asText());
    assertTrue(p.get("enabled").asBoolean());
    assertEquals(0, p.get("toxics").size());

    ToxiRig.Answer t = rig.call("POST", "/proxies/a/toxics", "{\"type\":\"latency\"}");
    assertEquals(200, t.status());
    assertEquals("application/json", t.contentType());
    assertEquals("{\"attributes\":{\"latency\":0,\"jitter\":0},\"name\":\"latency_downstream\",\"type\":\"latency\",\"stream\":\"downstream\",\"toxicity\":1}", t.body());
    ToxiRig.Answer u = rig.call("POST", "/proxies/a/toxics/latency_downstream", "{\"attributes\":{\"jitter\":5},\"toxicity\":0.5}");
    assertEquals("{\"attributes\":{\"latency\":0,\"jitter\":5},\"name\":\"latency_downstream\",\"type\":\"latency\",\"stream\":\"downstream\",\"toxicity\":0.5}", u.body());
    rig.call("POST", "/proxies/a/toxics", "{\"type\":\"slicer\",\"stream\":\"upstream\",\"attributes\":{\"average_size\":8}}");
    JsonNode list = JSON.readTree(rig.call("GET", "/proxies/a/toxics", null).body());
    assertEquals("slicer_upstream", list.get(0).get("name").asText(), "upstream toxics first, as Toxiproxy lists them");
    assertEquals("{\"average_size\":8,\"size_variation\":0,\"delay\":0}", list.get(0).get("attributes").toString());
    JsonNode all = JSON.readTree(rig.call("GET", "/proxies", null).body());
    assertEquals(2, all.get("a").get("toxics").size());

    ToxiRig.Answer disabled = rig.call("POST", "/proxies/a", "{\"enabled\":false}");
    assertEquals(200, disabled.status());
    assertTrue(!JSON.readTree(disabled.body()).get("enabled").asBoolean());
    assertEquals(p.get("listen"), JSON.readTree(disabled.body()).get("listen"), "a disabled proxy keeps its address");
    assertEquals(2, JSON.readTree(disabled.body()).get("toxics").size(), "and its toxics");
    assertEquals(204, rig.call("POST", "/reset", null).status());
    JsonNode after = JSON.readTree(rig.call("GET", "/proxies/a", null).body());
    assertTrue(after.get("enabled").asBoolean());
    assertEquals(0, after.get("toxics").size());
    assertEquals(204, rig.call("DELETE", "/proxies/a", null).status());
    assertEquals("{}", rig.call("GET", "/proxies", null).body());
  }

  @Test
  void versionRoutingAndBrowsersAreAnsweredAsToxiproxyDoes() throws Exception {
    ToxiRig.Answer v = rig.call("GET", "/version", null);
    assertEquals(200, v.status());
    assertEquals("application/json;charset=utf-8", v.contentType());
    assertEquals("{\"version\": \"" + ToxiproxyApi.VERSION + "\"}\n", v.body());
    ToxiRig.Answer missing = rig.call("GET", "/nothing", null);
    assertEquals(404, missing.status());
    assertEquals("404 page not found\n", missing.body());
    ToxiRig.Answer wrong = rig.call("PUT", "/proxies", "{}");
    assertEquals(405, wrong.status());
    assertEquals("", wrong.body());
    var browser = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + rig.api.port() + "/proxies")).header("User-Agent", "Mozilla/5.0").build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    assertEquals(403, browser.statusCode());
    assertEquals("User agent not allowed\n", browser.body());
  }

  @Test
  void populateCreatesKeepsAndReplaces() throws Exception {
    String body = "[{\"name\":\"p1\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"" + rig.upstreamAddress() + "\"},"
        + "{\"name\":\"p2\",\"listen\":\"127.0.0.1:0\",\"upstream\":\"" + rig.upstreamAddress() + "\",\"enabled\":false}]";
    ToxiRig.Answer a = rig.call("POST", "/populate", body);
    assertEquals(201, a.status(), a.body());
    JsonNode proxies = JSON.readTree(a.body()).get("proxies");
    assertEquals(2, proxies.size());
    assertTrue(proxies.get(0).get("enabled").asBoolean());
    assertTrue(!proxies.get(1).get("enabled").asBoolean());
    // Populate answers its errors in its own body, as JSON, with the proxies done so far
    ToxiRig.Answer bad = rig.call("POST", "/populate", "[{\"listen\":\"127.0.0.1:0\"}]");
    assertEquals(400, bad.status());
    assertEquals("application/json", bad.contentType());
    assertEquals("{\"error\":\"missing required field: name at proxy 1\",\"status\":400,\"proxies\":null}", bad.body());
    rig.call("POST", "/proxies/p1/toxics", "{\"type\":\"latency\"}");
    String listen = proxies.get(0).get("listen").asText();
    String same = "[{\"name\":\"p1\",\"listen\":\"" + listen + "\",\"upstream\":\"" + rig.upstreamAddress() + "\"}]";
    JsonNode kept = JSON.readTree(rig.call("POST", "/populate", same).body()).get("proxies").get(0);
    assertEquals(1, kept.get("toxics").size(), "an unchanged proxy is kept, toxics and all");
    // "127.0.0.1:0" differs from the bound address: Toxiproxy replaces the proxy (a new port, no toxics)
    JsonNode replaced = JSON.readTree(rig.call("POST", "/populate", body).body()).get("proxies").get(0);
    assertEquals(0, replaced.get("toxics").size());
    ToxiRig.Answer empty = rig.call("POST", "/populate", "[]");
    assertEquals(201, empty.status());
    assertEquals("{\"proxies\":null}", empty.body());
  }

  @Test
  void toxicityZeroAndInertToxicsAddNoFault() throws Exception {
    create("a");
    rig.call("POST", "/proxies/a/toxics", "{\"name\":\"never\",\"type\":\"latency\",\"toxicity\":0,\"attributes\":{\"latency\":1000}}");
    rig.call("POST", "/proxies/a/toxics", "{\"type\":\"noop\"}");
    try (WsProbe ws = WsProbe.open(rig.port("a"))) {
      long t = ws.roundTrip("x", 5000);
      assertTrue(t < 500, "toxicity 0 injects nothing: " + t + " ms");
    }
    assertTrue(rig.events().stream().noneMatch(e -> e.body() instanceof io.wschaos.timeline.EventBody.Fault f && f.fault().startsWith("a.never")));
  }

  @Test
  void toxicityIsAPerLinkDrawAndSparedLinksPassUntouched() throws Exception {
    create("a");
    rig.call("POST", "/proxies/a/toxics", "{\"name\":\"half\",\"type\":\"latency\",\"toxicity\":0.5,\"attributes\":{\"latency\":400}}");
    int delayed = 0;
    int spared = 0;
    for (int i = 0; i < 10; i++) {
      try (WsProbe ws = WsProbe.open(rig.port("a"))) {
        long first = ws.roundTrip("m1", 5000);
        long second = ws.roundTrip("m2", 5000);
        assertEquals(first >= 380, second >= 380, "one draw per link: both messages alike (" + first + ", " + second + " ms)");
        if (first >= 380) {
          delayed++;
        } else {
          spared++;
        }
      }
    }
    assertTrue(delayed > 0 && spared > 0, "toxicity 0.5 over 10 links: " + delayed + " delayed, " + spared + " spared");
    long sparedEvents = rig.events().stream().filter(e -> e.body() instanceof io.wschaos.timeline.EventBody.Fault f && f.fault().equals("a.half") && f.action().equals("spared")).count();
    assertEquals(spared, sparedEvents, "each spared link is on the timeline");
  }

  @Test
  void anUpdateWithTheSameAddressKeepsLinksAndANewAddressRestarts() throws Exception {
    String listen = JSON.readTree(create("a")).get("listen").asText();
    try (WsProbe ws = WsProbe.open(rig.port("a"))) {
      ToxiRig.Answer same = rig.call("POST", "/proxies/a", "{\"listen\":\"" + listen.replace("127.0.0.1", "localhost") + "\",\"enabled\":true}");
      assertEquals(200, same.status(), same.body());
      ws.roundTrip("still", 5000);
      ToxiRig.Answer moved = rig.call("PATCH", "/proxies/a", "{\"listen\":\"127.0.0.1:0\"}");
      assertEquals(200, moved.status(), moved.body());
      String now = JSON.readTree(moved.body()).get("listen").asText();
      assertTrue(!now.equals(listen) && JSON.readTree(moved.body()).get("enabled").asBoolean(), moved.body());
      assertEquals("1006", ws.endedWithin(5000), "moving the proxy cut its links");
    }
    try (WsProbe ws = WsProbe.open(rig.port("a"))) {
      ws.roundTrip("moved", 5000);
    }
  }

  @Test
  void wschaosOnlyToxicsCarryAFaultsParameters() throws Exception {
    create("a");
    try (WsProbe ws = WsProbe.open(rig.port("a"))) {
      ws.roundTrip("hi", 5000);
      ToxiRig.Answer bad = rig.call("POST", "/proxies/a/toxics", "{\"type\":\"ws_close\",\"attributes\":{\"code\":999}}");
      assertEquals(400, bad.status());
      assertTrue(bad.body().startsWith("{\"error\":\"bad request body: toxic ws_close_downstream.close.code: 999 is not a valid close code"), bad.body());
      ToxiRig.Answer ok = rig.call("POST", "/proxies/a/toxics", "{\"type\":\"ws_close\",\"attributes\":{\"code\":4001,\"reason\":\"token expired\"}}");
      assertEquals(200, ok.status(), ok.body());
      assertEquals("4001 token expired", ws.endedWithin(5000));
    }
  }

  private static java.util.List<String> fieldNames(JsonNode n) {
    java.util.List<String> out = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
