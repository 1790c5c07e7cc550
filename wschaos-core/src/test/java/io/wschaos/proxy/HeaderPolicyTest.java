package io.wschaos.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which headers cross the proxy (DESIGN.md, Relay fidelity), and how client paths map upstream. */
class HeaderPolicyTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "Connection", "Upgrade", "Keep-Alive", "TE", "Trailer", "Transfer-Encoding", "Host",
      "Sec-WebSocket-Key", "Sec-WebSocket-Accept", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions",
      // the relay offers the client's list itself and answers with the server's choice
      "Sec-WebSocket-Protocol",
      "connection", "KEEP-ALIVE", "sec-websocket-key", "hOsT"})
  void hopByHopAndHandshakeHeadersAreNeverForwardedWhateverTheirCase(String name) {
    assertFalse(HeaderPolicy.forwards(name, null), name);
    assertFalse(HeaderPolicy.forwards(name, "upgrade"), name + " with Connection: upgrade");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Proxy-Authorization", "Proxy-Authenticate", "Proxy-Connection", "proxy-anything", "PROXY-X"})
  void proxyHeadersAreNeverForwarded(String name) {
    assertFalse(HeaderPolicy.forwards(name, null), name);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Authorization", "Cookie", "Set-Cookie", "Origin", "User-Agent", "X-Custom", "Retry-After",
      "Content-Type", "Sec-Fetch-Mode", "Proxyish", "X-Proxy-Id"})
  void endToEndHeadersAreForwarded(String name) {
    assertTrue(HeaderPolicy.forwards(name, null), name);
    assertTrue(HeaderPolicy.forwards(name, "Upgrade, keep-alive"), name + " not listed in Connection");
  }

  @ParameterizedTest(name = "{0} with Connection: {1}")
  @CsvSource(delimiter = '|', value = {
      "X-Trace     | X-Trace",
      "x-trace     | Upgrade, X-TRACE",
      "X-Trace     | upgrade,x-trace,close",
      "X-Trace     | '  x-trace  , upgrade'",
      "Authorization | close, Authorization"})
  void namesListedInConnectionAreHopByHop(String name, String connection) {
    assertFalse(HeaderPolicy.forwards(name.trim(), connection), name + " listed in '" + connection + "'");
  }

  @ParameterizedTest(name = "{0} is not listed in {1}")
  @CsvSource(delimiter = '|', value = {
      "X-Trace | X-Trace-Id",
      "X-Trace | upgrade, X-Traces",
      "X-Trace | ''"})
  void aConnectionTokenMustMatchTheWholeName(String name, String connection) {
    assertTrue(HeaderPolicy.forwards(name, connection), name + " with Connection: '" + connection + "'");
  }

  @ParameterizedTest(name = "base ''{0}'' + ''{1}'' → ''{2}''")
  @CsvSource(delimiter = '|', nullValues = "NULL", value = {
      "''      | /feed?x=1                  | /feed?x=1",
      "''      | /                          | /",
      "''      | ''                         | /",
      "''      | NULL                       | /",
      "/base   | /feed?x=1                  | /base/feed?x=1",
      "/base   | /feed                      | /base/feed",
      "/base   | /                          | /base",
      "/base   | ''                         | /base",
      "/base   | /?x=1                      | /base?x=1",
      "/a/b    | /c/d?e=f&g=h               | /a/b/c/d?e=f&g=h",
      "/base   | /feed/room?t=s3cr%C3%A9t&x=a%20b&x=2 | /base/feed/room?t=s3cr%C3%A9t&x=a%20b&x=2",
      "/base   | /feed?next=/other?y        | /base/feed?next=/other?y"})
  void theUpstreamPathPrefixesTheClientPathAndTheQueryStaysByteForByte(String base, String clientUri, String expected) {
    assertEquals(expected, HeaderPolicy.upstreamUri(base, clientUri));
  }

  @ParameterizedTest(name = "{0} → ''{1}''")
  @CsvSource(delimiter = '|', value = {
      "ws://h:1            | ''",
      "ws://h:1/           | ''",
      "ws://h:1/base       | /base",
      "ws://h:1/base/      | /base",
      "wss://h/a/b         | /a/b",
      "ws://h:1/a%20b      | /a%20b"})
  void theUpstreamBasePathHasNoTrailingSlash(String upstream, String expected) {
    assertEquals(expected, ProxyOptions.of(URI.create(upstream)).upstreamBasePath());
  }
}
