package io.wschaos.timeline;

import io.wschaos.frame.Direction;
import io.wschaos.frame.Leg;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One or more events of every kind, with every field set and with the nullable ones null. */
final class Samples {
  private Samples() {}

  static List<Event> everyKind() {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    headers.put("Host", List.of("localhost:8080"));
    headers.put("Origin", List.of("http://app.example"));
    headers.put("X-Multi", List.of("a", "b"));
    List<EventBody> bodies =
        List.of(
            new EventBody.Attempt("127.0.0.1:51234", "/feed", "lastSeq=41&clientId=c1", headers,
                List.of("v1.feed", "v2.feed"), "permessage-deflate; client_max_window_bits"),
            new EventBody.Attempt(null, "/", null, null, null, null),
            new EventBody.Attempt("[::1]:1", "/", "", Map.of(), List.of(), null),
            new EventBody.Rejected(503, "proxy", "server_down f2"),
            new EventBody.Rejected(401, "server", null),
            new EventBody.Open("v1.feed"),
            new EventBody.Open(null),
            new EventBody.Message(Direction.TO_SERVER, 1, "text", 17, 1, "{\"type\":\"ack\"}", false),
            new EventBody.Message(Direction.TO_CLIENT, 9_000_000_000L, "binary", 70_000, 3, "…ünïcødé \u2028", true),
            new EventBody.Message(Direction.TO_CLIENT, 2, "text", 0, 1, null, false),
            new EventBody.ControlFrame(Direction.TO_CLIENT, "ping", 4),
            new EventBody.ControlFrame(Direction.TO_SERVER, "pong", 0),
            new EventBody.Close(Leg.CLIENT, "proxy", 1001, "server restart", "restart"),
            new EventBody.Close(Leg.SERVER, "server", null, null, null),
            new EventBody.Abort(Leg.CLIENT, "proxy", "reset", "f3", "blackhole then abort"),
            new EventBody.Abort(Leg.SERVER, "server", "fin", null, null),
            new EventBody.Fault("outage", "delay", "delayed", Direction.TO_CLIENT, 41L, "until +200.0 ms"),
            new EventBody.Fault("f2", "close", "started", null, null, null),
            new EventBody.ClientProcess("spawned", 4242L, null, null),
            new EventBody.ClientProcess("exited", null, 1, null),
            new EventBody.ServerProcess("stdout", null, null, "listening on 9000"),
            new EventBody.Verdict("reconnect", "fail", "expected a reconnect within 3 s (±0.25 s) after close 1001 at 3.004 s; none came", java.util.List.of(12L, 15L)),
            new EventBody.Egress(Direction.TO_CLIENT, 41, 0),
            new EventBody.Ended(12_345, 678_901),
            new EventBody.Http("GET", "/token?ttl=5s", 200, 1_234),
            new EventBody.Gap(17),
            new EventBody.Lost(100, 250),
            new EventBody.Scenario("reconnects-after-going-away", "42", 20_000_000));
    List<Event> out = new ArrayList<>();
    long seq = 1;
    for (EventBody b : bodies) {
      out.add(new Event(seq, seq * 1_001 + 7, (int) (seq % 3), (int) (seq % 2), seq % 5 == 0 ? Phase.TEARDOWN : Phase.RUN, b));
      seq++;
    }
    return out;
  }
}
