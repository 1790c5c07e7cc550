package io.wschaos.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import io.wschaos.fault.FaultEntryParser;
import io.wschaos.fault.FaultSpec;
import io.wschaos.spec.SpecException;
import io.wschaos.spec.Problem;
import io.wschaos.pipeline.FaultEngine;
import io.wschaos.pipeline.FaultStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /api/faults} and {@code /api/reset}: list, add and remove faults on the proxy's engine. A
 * posted entry is read by the same {@link FaultEntryParser} as a scenario's {@code faults[i]}, with
 * {@code fault} as the root of every problem's path. The engine does the rest: a fault without
 * {@code at} or {@code on} starts at once, and work on links goes to their own event loops.
 */
final class FaultRoutes {
  /** Where a posted entry's problems are located: {@code fault.delay.by}. */
  static final String ROOT = "fault";

  private final FaultEngine engine;
  private final FaultEntryParser parser;
  private int nextId = 1;

  FaultRoutes(FaultEngine engine, FaultEntryParser parser) {
    this.engine = engine;
    this.parser = parser;
  }

  void list(RoutingContext ctx) {
    ObjectNode out = Json.MAPPER.createObjectNode();
    ArrayNode list = out.putArray("faults");
    for (FaultStatus s : engine.faults()) {
      list.add(toJson(s));
    }
    Json.send(ctx.response(), 200, out);
  }

  void add(RoutingContext ctx) {
    JsonNode entry = readBody(ctx.body().buffer());
    List<FaultSpec> specs;
    String entryId;
    synchronized (this) {
      JsonNode given = entry.get("id");
      String defaultId = given == null ? freeId() : "f0"; // the parser uses the entry's own id when it has one
      try {
        specs = parser.parse(entry, ROOT, defaultId);
      } catch (SpecException e) {
        throw new ApiError(400, "invalid fault entry: " + e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s"), e.problems());
      }
      entryId = given == null ? defaultId : given.asText();
      if (taken(entryId)) {
        throw new ApiError(409, "a fault with id '" + entryId + "' exists already; DELETE it first or choose another id",
            List.of(new Problem(ROOT + ".id", "'" + entryId + "' is taken")));
      }
      for (FaultSpec spec : specs) {
        engine.add(spec);
      }
      if (given == null) {
        nextId++;
      }
    }
    ObjectNode out = Json.MAPPER.createObjectNode();
    out.put("id", entryId);
    ArrayNode list = out.putArray("faults");
    List<String> ids = specs.stream().map(FaultSpec::id).toList();
    for (FaultStatus s : engine.faults()) {
      if (ids.contains(s.id())) {
        list.add(toJson(s));
      }
    }
    ctx.response().putHeader("Location", "/api/faults/" + entryId);
    Json.send(ctx.response(), 201, out);
  }

  /** Removes the fault {@code id}, or every part of the preset entry {@code id}. */
  void remove(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    synchronized (this) {
      if (!engine.remove(id)) {
        List<String> parts = presetParts(id);
        if (parts.isEmpty()) {
          List<String> known = engine.faults().stream().map(FaultStatus::id).toList();
          throw new ApiError(404, "no fault with id '" + id + "'" + (known.isEmpty() ? " (there are none)" : " (faults: " + String.join(", ", known) + ")"));
        }
        parts.forEach(engine::remove);
      }
    }
    ctx.response().setStatusCode(204).end();
  }

  void reset(RoutingContext ctx) {
    synchronized (this) {
      engine.reset();
    }
    ctx.response().setStatusCode(204).end();
  }

  /** The next f1, f2… that no fault uses, neither as its id nor as a preset's prefix. */
  private String freeId() {
    while (taken("f" + nextId)) {
      nextId++;
    }
    return "f" + nextId;
  }

  private boolean taken(String id) {
    return engine.has(id) || engine.faults().stream().anyMatch(s -> s.id().startsWith(id + "."));
  }

  private List<String> presetParts(String id) {
    List<String> out = new ArrayList<>();
    for (FaultStatus s : engine.faults()) {
      if (s.preset() != null && s.id().startsWith(id + ".")) {
        out.add(s.id());
      }
    }
    return out;
  }

  private static JsonNode readBody(Buffer body) {
    if (body == null || body.length() == 0) {
      throw new ApiError(400, "the body is one fault entry as JSON, e.g. {\"delay\": {\"to\": \"client\", \"by\": \"200ms\"}, \"for\": \"5s\"}",
          List.of(new Problem(ROOT, "missing")));
    }
    try {
      return Json.MAPPER.readTree(body.getBytes());
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new ApiError(400, "the body is not valid JSON" + where, List.of(new Problem(ROOT, e.getOriginalMessage())));
    } catch (java.io.IOException e) {
      // Jackson guesses the encoding from the first bytes: NULs there read as UCS-4 it cannot decode
      throw new ApiError(400, "the body is not valid JSON", List.of(new Problem(ROOT, e.getMessage())));
    }
  }

  static ObjectNode toJson(FaultStatus s) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("id", s.id());
    o.put("name", s.name());
    o.put("state", s.state());
    ArrayNode links = o.putArray("links");
    s.links().forEach(links::add);
    if (s.preset() != null) {
      o.put("preset", s.preset());
    }
    if (s.source() != null) {
      o.set("entry", s.source());
    }
    return o;
  }
}
