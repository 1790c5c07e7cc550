package io.wschaos.toxiproxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.testsupport.NodeProcess;
import io.wschaos.timeline.EventBody;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The Toxiproxy API driven by the real {@code toxiproxy-node-client} (npm 4.1.0) in a real Node
 * process (wschaos-core/src/test/node/toxiproxy-client.js), its calls unchanged, each toxic observed on
 * a real {@code ws} link through the proxy to a real echo server.
 */
class NodeToxiproxyClientTest {
  private static final String SCRIPT = "wschaos-core/src/test/node/toxiproxy-client.js";

  @Test
  void theNodeClientDrivesEveryToxicAndTheLifecycle() throws Exception {
    try (ToxiRig rig = new ToxiRig();
        NodeProcess node = NodeProcess.start(SCRIPT, "http://127.0.0.1:" + rig.api.port(), rig.upstreamAddress())) {
      JsonNode end = node.awaitJson("done or failed", j -> j.has("event"), Duration.ofSeconds(120));
      assertEquals("done", end.path("event").asText(), () -> end + "\n" + node.stderr());
      Map<String, JsonNode> step = new HashMap<>();
      node.allJson().stream().filter(j -> j.has("step")).forEach(j -> step.put(j.get("step").asText(), j));

      assertTrue(step.get("version").get("version").asText().contains(ToxiproxyApi.VERSION));
      JsonNode created = step.get("created");
      assertTrue(created.get("listen").asText().matches("127\\.0\\.0\\.1:[1-9]\\d*"), created.toString());
      assertTrue(created.get("enabled").asBoolean());
      assertEquals("Request failed with status code 409", step.get("duplicate").get("error").asText());
      assertEquals("Request failed with status code 404", step.get("missing").get("error").asText());
      assertEquals("[\"node\"]", step.get("listed").get("names").toString());

      JsonNode latency = step.get("latency");
      assertTrue(latency.get("slow").asLong() >= 380, latency.toString());
      assertEquals(150, latency.get("updated").get("latency").asInt());
      assertTrue(latency.get("after").asLong() < 300, latency.toString());
      assertTrue(step.get("toxicity0").get("rtt").asLong() < 500, step.get("toxicity0").toString());
      assertEquals(0, step.get("toxicity0").get("toxicity").asInt());
      assertTrue(step.get("bandwidth").get("ms").asLong() >= 1200, step.get("bandwidth").toString());
      assertEquals("bandwidth_downstream", step.get("bandwidth").get("name").asText());
      assertTrue(step.get("ws_drop").get("droppedEcho").isNull(), step.get("ws_drop").toString());
      assertEquals("[\"twice\",\"twice\"]", step.get("ws_duplicate").get("copies").toString());
      assertTrue(!step.get("ws_corrupt").get("got").isNull() && !"{\"n\":1}".equals(step.get("ws_corrupt").get("got").asText()), step.get("ws_corrupt").toString());
      assertEquals("4000 bye", step.get("slow_close").get("end").asText());
      assertTrue(step.get("slow_close").get("ms").asLong() >= 650, step.get("slow_close").toString());
      assertTrue(step.get("timeout").get("lost").isNull());
      assertEquals("1006", step.get("timeout").get("end").asText());
      assertTrue(step.get("timeout").get("ms").asLong() >= 700, step.get("timeout").toString());
      assertTrue(step.get("limit_data").get("crossing").isNull());
      assertEquals("1006", step.get("limit_data").get("end").asText());
      assertEquals("1006", step.get("reset_peer").get("end").asText());
      assertEquals("4001 token expired", step.get("ws_close").get("end").asText());
      JsonNode bad = step.get("bad_toxic");
      assertEquals("Request failed with status code 400", bad.get("type").asText());
      assertEquals("Request failed with status code 400", bad.get("stream").asText());
      assertEquals("Request failed with status code 409", bad.get("taken").asText());
      assertEquals("Request failed with status code 404", step.get("reset").get("toxics").asText(), "reset removed the toxics");
      JsonNode disable = step.get("disable");
      assertEquals("1006", disable.get("cut").asText(), "disabling cuts the link");
      assertTrue(disable.get("refused").asBoolean(), "and closes the listener");
      assertTrue(disable.get("enabled").asBoolean() && disable.get("back").asBoolean());
      assertEquals("[\"pop\"]", step.get("removed").get("populated").toString());
      assertEquals("[]", step.get("removed").get("left").toString());

      // everything on the one timeline, under the toxics' names
      Set<String> actions = rig.events().stream().filter(e -> e.body() instanceof EventBody.Fault)
          .map(e -> ((EventBody.Fault) e.body()).fault() + ":" + ((EventBody.Fault) e.body()).action()).collect(Collectors.toSet());
      for (String expected : new String[] {"node.lag:delayed", "node.slicer_downstream:fragmented", "node.ws_drop_downstream:dropped",
          "node.ws_duplicate_downstream:duplicated", "node.limit_data_downstream:limit_reached"}) {
        assertTrue(actions.contains(expected), expected + " is on the timeline: " + actions);
      }
      assertNotNull(rig.events().stream().filter(e -> e.body() instanceof EventBody.Close c && Integer.valueOf(4001).equals(c.code())).findFirst().orElse(null));
    }
  }
}
