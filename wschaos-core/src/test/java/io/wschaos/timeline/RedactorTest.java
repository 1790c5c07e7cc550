package io.wschaos.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactorTest {
  @Test
  void aMaskIsThreeStarsAndTheFirstSixHexDigitsOfSha256() {
    // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad
    assertEquals("***ba7816", Redactor.mask("abc"));
    assertEquals(Redactor.mask("same-token"), Redactor.mask("same-token"), "equal secrets stay visibly equal");
    assertNotEquals(Redactor.mask("token-1"), Redactor.mask("token-2"));
  }

  @Test
  void authorizationCookieAndSetCookieValuesAreMaskedWhateverTheirCase() {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("host", List.of("localhost"));
    headers.put("AUTHORIZATION", List.of("Bearer abc.def"));
    headers.put("Cookie", List.of("sid=1", "theme=dark"));
    headers.put("set-cookie", List.of("sid=2; HttpOnly"));
    headers.put("Proxy-Authorization", List.of("Basic dTpw"));
    headers.put("Sec-WebSocket-Protocol", List.of("v1.feed"));

    Map<String, List<String>> out = Redactor.ON.headers(headers);

    assertEquals(List.of("host", "AUTHORIZATION", "Cookie", "set-cookie", "Proxy-Authorization", "Sec-WebSocket-Protocol"),
        List.copyOf(out.keySet()), "names and order kept");
    assertEquals(List.of("localhost"), out.get("host"));
    assertEquals(List.of(Redactor.mask("Bearer abc.def")), out.get("AUTHORIZATION"));
    assertEquals(List.of(Redactor.mask("sid=1"), Redactor.mask("theme=dark")), out.get("Cookie"), "every value");
    assertEquals(List.of(Redactor.mask("sid=2; HttpOnly")), out.get("set-cookie"));
    assertEquals(List.of(Redactor.mask("Basic dTpw")), out.get("Proxy-Authorization"));
    assertEquals(List.of("v1.feed"), out.get("Sec-WebSocket-Protocol"));
  }

  @Test
  void secretQueryValuesAreMaskedAndEverythingElseIsKeptByteForByte() {
    String query = "a=1&token=abc&ApiKey=xyz&empty_token=&flag&client_secret=s%20p&page=2&access%5Ftoken=q&X-Amz-Signature=ff&password=abc&lastSeq=41";
    String expected =
        "a=1&token=" + Redactor.mask("abc") + "&ApiKey=" + Redactor.mask("xyz")
            + "&empty_token=&flag&client_secret=" + Redactor.mask("s%20p") + "&page=2&access%5Ftoken="
            + Redactor.mask("q") + "&X-Amz-Signature=" + Redactor.mask("ff") + "&password="
            + Redactor.mask("abc") + "&lastSeq=41";
    String out = Redactor.ON.query(query);
    assertEquals(expected, out);
    assertTrue(out.contains("token=" + Redactor.mask("abc") + "&") && out.contains("password=" + Redactor.mask("abc")),
        "the same secret under two keys gives the same mask");
  }

  @Test
  void nothingSecretGivesBackTheSameInstances() {
    String query = "lastSeq=41&clientId=c1&&x";
    assertSame(query, Redactor.ON.query(query));
    Map<String, List<String>> headers = Map.of("Origin", List.of("http://app"));
    assertSame(headers, Redactor.ON.headers(headers));
    Event e = new Event(1, 0, 1, 0, Phase.RUN, new EventBody.Attempt("r", "/", query, headers, List.of(), null));
    assertSame(e, Redactor.ON.apply(e));
  }

  @Test
  void attemptsAndHttpRequestsAreRedactedAndOffLeavesThemAlone() {
    EventBody.Attempt a =
        new EventBody.Attempt("127.0.0.1:5", "/feed", "token=t0p&lastSeq=3",
            Map.of("Authorization", List.of("Bearer x")), List.of("v1"), null);
    EventBody.Attempt r = (EventBody.Attempt) Redactor.ON.apply(a);
    assertEquals("token=" + Redactor.mask("t0p") + "&lastSeq=3", r.query());
    assertEquals(List.of(Redactor.mask("Bearer x")), r.headers().get("Authorization"));
    assertEquals(a.path(), r.path());
    assertEquals(a.subprotocols(), r.subprotocols());

    EventBody.Http h = new EventBody.Http("GET", "/token?ttl=5s&auth=zz", 200, 10);
    assertEquals("/token?ttl=5s&auth=" + Redactor.mask("zz"), ((EventBody.Http) Redactor.ON.apply(h)).path());

    assertSame(a, Redactor.OFF.apply(a));
    assertSame(h, Redactor.OFF.apply(h));
  }
}
