package io.wschaos.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.VertxOptions;
import io.wschaos.expect.builtin.BuiltinExpectations;
import io.wschaos.fault.FaultEntryParser;
import io.wschaos.fault.builtin.BuiltinFaults;
import io.wschaos.scenario.ScenarioSchema;
import io.wschaos.testsupport.Browser;
import io.wschaos.timeline.Level;
import io.wschaos.timeline.Timeline;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The proxy's live UI ({@code --ui}) in headless Chromium: lanes fed by /api/events, the fault form and list. */
@Tag("browser")
class LiveUiBrowserTest {
  @Test
  void aDelayAddedInTheLiveUiMakesTheNextMessagesLate() {
    Browser.require();
    try (ApiRig rig = new ApiRig(new VertxOptions().setEventLoopPoolSize(2), new Timeline(Level.PREVIEW), ApiOptions.defaults().withListen("127.0.0.1", 0),
        new FaultEntryParser(BuiltinFaults.catalog()))) {
      assertEquals(404, rig.get("/ui").statusCode(), "off unless enabled");
      rig.api.enableUi(ScenarioSchema.generate(BuiltinFaults.catalog(), BuiltinExpectations.catalog()).path("$defs").path("faults"));
      assertTrue(rig.get("/ui").body().contains("wschaos-data"));
      List<JsonNode> out = Browser.run(Duration.ofSeconds(60), "live", rig.api.uiUrl(), Browser.shots("live").toString(),
          "ws://127.0.0.1:" + rig.proxy.port() + "/feed");
      JsonNode live = Browser.event(out, "live");
      System.out.println("live UI: " + live);
      assertEquals(1, live.path("lanes").size(), "one lane for the one link: " + live);
      assertEquals("1", live.path("liveLinks").get(0).asText(), "the live link is listed");
      assertTrue(live.path("fieldNames").toString().contains("\"by\""), "the delay form has its fields: " + live.path("fieldNames"));
      assertEquals("", live.path("formError").asText());
      assertEquals("ui-delay", live.path("faultRows").get(0).asText(), "the added fault is listed");
      live.path("before").forEach(ms -> assertTrue(ms.asLong() < 250, "before the fault: " + live.path("before")));
      live.path("after").forEach(ms -> assertTrue(ms.asLong() >= 290, "after adding delay by 300ms the echo is late: " + live.path("after")));
      live.path("removed").forEach(ms -> assertTrue(ms.asLong() < 250, "after removing it: " + live.path("removed")));
      assertTrue(live.path("marks").asInt() >= 3, "the delayed messages are marked on the view: " + live);
      assertEquals(0, live.path("errors").size(), live.toString());
    }
  }

  @Test
  void withAnApiTokenThePrintedUiUrlWorksInARealBrowser() {
    Browser.require();
    try (ApiRig rig = new ApiRig(new VertxOptions().setEventLoopPoolSize(2), new Timeline(Level.PREVIEW),
        ApiOptions.defaults().withListen("127.0.0.1", 0).withToken("s3cret"), new FaultEntryParser(BuiltinFaults.catalog()))) {
      rig.api.enableUi(ScenarioSchema.generate(BuiltinFaults.catalog(), BuiltinExpectations.catalog()).path("$defs").path("faults"));
      String url = rig.api.uiUrl();
      List<JsonNode> out = Browser.run(Duration.ofSeconds(60), "live", url, Browser.shots("live-token").toString(),
          "ws://127.0.0.1:" + rig.proxy.port() + "/feed");
      JsonNode live = Browser.event(out, "live");
      assertEquals(1, live.path("lanes").size(), "the event stream reached the page with the cookie alone: " + live);
      assertEquals("", live.path("formError").asText(), "the fault form's POST was authorized");
      assertEquals("ui-delay", live.path("faultRows").get(0).asText(), "the fault list's GET was authorized");
      live.path("after").forEach(ms -> assertTrue(ms.asLong() >= 290, "the posted delay acted: " + live.path("after")));
      assertEquals(0, live.path("errors").size(), live.toString());
      assertEquals(401, rig.get(url.substring(url.indexOf("/ui"))).statusCode(), "the browser spent the code");
    }
  }
}
