package io.wschaos.api;

import static io.wschaos.api.ApiRig.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * HTTP as RFC 9110 and docs/api.md say, on raw sockets: a client library would add the Host it
 * needs, drop a second one, or refuse to send a method it does not know.
 */
class ApiHttpTest {
  private static String header(String raw, String name) {
    return Arrays.stream(raw.split("\r\n"))
        .takeWhile(l -> !l.isEmpty())
        .filter(l -> l.toLowerCase(Locale.ROOT).startsWith(name.toLowerCase(Locale.ROOT) + ":"))
        .map(l -> l.substring(name.length() + 1).trim())
        .findFirst()
        .orElse(null);
  }

  @Test
  void a405SaysInAllowWhichMethodsTheCallHas() {
    try (ApiRig rig = new ApiRig()) {
      String links = rig.raw("DELETE /api/links HTTP/1.1\r\nHost: 127.0.0.1", null);
      assertEquals(405, status(links), links);
      assertEquals("GET", header(links, "Allow"), links);
      String faults = rig.raw("PUT /api/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json", "{}");
      assertEquals(405, status(faults), faults);
      assertEquals("GET, POST", header(faults, "Allow"), faults);
      String one = rig.raw("GET /api/faults/f1 HTTP/1.1\r\nHost: 127.0.0.1", null);
      assertEquals(405, status(one), one);
      assertEquals("DELETE", header(one, "Allow"), one);
      String reset = rig.raw("GET /api/reset HTTP/1.1\r\nHost: 127.0.0.1", null);
      assertEquals("POST", header(reset, "Allow"), reset);
    }
  }

  @Test
  void theMethodIsCheckedBeforeTheContentType() {
    try (ApiRig rig = new ApiRig()) {
      String wrongBoth = rig.raw("POST /api/links HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain", "x");
      assertEquals(405, status(wrongBoth), "a call that has no POST is 405 whatever the body: " + wrongBoth);
      String put = rig.raw("PUT /api/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain", "x");
      assertEquals(405, status(put), put);
      String post = rig.raw("POST /api/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain", "x");
      assertEquals(415, status(post), "the right method with the wrong type is still 415: " + post);
    }
  }

  @Test
  void moreThanOneHostHeaderIs400() {
    try (ApiRig rig = new ApiRig()) {
      String two = rig.raw("GET /api/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: attacker.example", null);
      assertEquals(400, status(two), two);
      assertTrue(two.contains("more than one Host header"), two);
      String same = rig.raw("GET /api/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: 127.0.0.1", null);
      assertEquals(400, status(same), same);
    }
  }

  @Test
  void aRequestWithoutHostIs400AsDocumentedInHttp10Too() {
    try (ApiRig rig = new ApiRig()) {
      String http11 = rig.raw("GET /api/faults HTTP/1.1", null);
      assertEquals(400, status(http11), http11);
      String http10 = rig.raw("GET /api/faults HTTP/1.0", null);
      assertEquals(400, status(http10), http10);
      assertTrue(http10.contains("a Host header is required"), http10);
    }
  }

  @Test
  void theJdkClientsDefaultHttp2UpgradeAttemptIsAnsweredOverHttp11() throws Exception {
    try (ApiRig rig = new ApiRig()) {
      // HttpClient's default version asks for h2c; the API must not upgrade (requests would lose Host).
      java.net.http.HttpClient jdk = java.net.http.HttpClient.newHttpClient();
      var r = jdk.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(rig.base() + "/api/faults")).GET().build(),
          java.net.http.HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertEquals(java.net.http.HttpClient.Version.HTTP_1_1, r.version());
    }
  }

  @Test
  void aDurationOverTheMaximumIsA400NamingTheField() throws Exception {
    try (ApiRig rig = new ApiRig()) {
      var r = rig.post("/api/faults", "{\"delay\": {\"to\": \"client\", \"by\": \"99999999999999999999s\"}, \"for\": \"25h\"}");
      assertEquals(400, r.statusCode(), r.body());
      java.util.Map<String, String> problems = new java.util.HashMap<>();
      ApiRig.json(r).get("problems").forEach(p -> problems.put(p.get("path").asText(), p.get("message").asText()));
      assertEquals("'99999999999999999999s' is longer than the maximum, 24h", problems.get("fault.delay.by"), r.body());
      assertEquals("'25h' is longer than the maximum, 24h", problems.get("fault.for"), r.body());
      assertEquals(0, ApiRig.json(rig.get("/api/faults")).get("faults").size(), "nothing was added");
    }
  }

  @Test
  void withATokenTheUiLinksOneTimeCodeBuysAnHttpOnlyStrictCookieAndNothingMore() {
    try (ApiRig rig = new ApiRig(ApiOptions.defaults().withToken("s3cret"))) {
      rig.api.enableUi(com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());
      String url = rig.api.uiUrl();
      assertTrue(url.matches("http://127\\.0\\.0\\.1:\\d+/ui\\?code=[A-Za-z0-9_-]{22}"), url);
      assertTrue(!url.contains("s3cret"), "the token is not in the URL");
      String pathAndQuery = url.substring(url.indexOf("/ui"));
      String spent = rig.raw("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1", null);
      assertEquals(303, status(spent), spent);
      assertEquals("/ui", header(spent, "Location"), "the code leaves the address bar");
      String cookie = header(spent, "Set-Cookie");
      assertTrue(cookie.matches("wschaos_session=[A-Za-z0-9_-]{22}; HttpOnly; SameSite=Strict; Path=/"), cookie);
      String session = cookie.substring(0, cookie.indexOf(';'));
      assertTrue(!session.contains("s3cret"));

      assertEquals(200, status(rig.raw("GET /api/links HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: " + session, null)), "the cookie opens the API");
      assertEquals(200, status(rig.raw("GET /ui HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: other=1; " + session, null)));
      assertEquals(401, status(rig.raw("GET /api/links HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: wschaos_session=guessed", null)));
      assertEquals(401, status(rig.raw("GET /ui HTTP/1.1\r\nHost: 127.0.0.1", null)), "no cookie, no token: refused");
      String again = rig.raw("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1", null);
      assertEquals(401, status(again), "a code opens the UI once: " + again);

      String link = rig.raw("POST /api/ui-link HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer s3cret\r\nContent-Type: application/json", "{}");
      assertEquals(200, status(link), link);
      assertTrue(link.contains("/ui?code="), link);
    }
  }
}
