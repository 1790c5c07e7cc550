package io.wschaos.embed;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.wschaos.fault.FaultEntryParser;
import io.wschaos.fault.FaultSpec;
import io.wschaos.fault.builtin.BuiltinFaults;
import io.wschaos.pipeline.FaultEngine;
import io.wschaos.pipeline.FaultStatus;
import io.wschaos.spec.SpecException;
import java.util.ArrayList;
import java.util.List;

/**
 * A proxy's faults, live: what {@code /api/faults} does, from Java. An entry is read by the same
 * parser as a scenario's {@code faults[i]} and the control API's body, with {@code fault} as the root
 * of every problem's path. A fault without {@code at} or {@code on} starts at once: a one-shot
 * ({@code close}, {@code abort}, {@code inject}) acts on every live link, a lasting one on live and
 * new links until its {@code for} runs out or it is removed.
 */
public final class Faults {
  /** A fault as the proxy lists it: armed (waiting for its trigger), active or done, and the links it acts on now. */
  public record Info(String id, String name, String state, List<Integer> links, String preset) {}

  private static final String ROOT = "fault";
  private final FaultEngine engine;
  private final FaultEntryParser parser = new FaultEntryParser(BuiltinFaults.catalog());
  private int nextId = 1;

  Faults(FaultEngine engine) {
    this.engine = engine;
  }

  /** Arms {@code fault} under its own id, or f1, f2… Returns the id. */
  public String add(Fault fault) {
    return add(null, fault);
  }

  /** Arms {@code fault} as {@code id} (a preset's parts become {@code id.1}, {@code id.2}…). Returns the id. */
  public synchronized String add(String id, Fault fault) {
    ObjectNode entry = fault.entry();
    if (id != null) {
      entry.put("id", id);
    }
    boolean given = entry.hasNonNull("id");
    String defaultId = given ? "f0" : freeId();
    List<FaultSpec> specs;
    try {
      specs = parser.parse(entry, ROOT, defaultId);
    } catch (SpecException e) {
      throw new ConfigException(e.problems().stream().map(Object::toString).toList());
    }
    String entryId = given ? entry.get("id").asText() : defaultId;
    if (taken(entryId)) {
      throw new ConfigException(List.of(ROOT + ".id: a fault with id '" + entryId + "' exists already; remove it first or choose another id"));
    }
    List<String> added = new ArrayList<>();
    try {
      for (FaultSpec s : specs) {
        engine.add(s);
        added.add(s.id());
      }
    } catch (IllegalArgumentException e) {
      added.forEach(engine::remove);
      throw new ConfigException(List.of(ROOT + ": " + e.getMessage()));
    }
    if (!given) {
      nextId++;
    }
    return entryId;
  }

  /** Arms one fault entry written in YAML or JSON, e.g. {@code "{delay: {to: client, by: 200ms}, for: 5s}"}. Returns its id. */
  public String add(String entry) {
    return add(null, Fault.parse(entry));
  }

  /** Stops the fault {@code id} (or every part of the preset {@code id}); held messages leave in order. False when there is none. */
  public synchronized boolean remove(String id) {
    if (engine.remove(id)) {
      return true;
    }
    List<String> parts = new ArrayList<>();
    for (FaultStatus s : engine.faults()) {
      if (s.preset() != null && s.id().startsWith(id + ".")) {
        parts.add(s.id());
      }
    }
    parts.forEach(engine::remove);
    return !parts.isEmpty();
  }

  /** Removes every fault. */
  public synchronized void clear() {
    engine.reset();
  }

  /** Every fault, in the order added. */
  public List<Info> list() {
    return engine.faults().stream().map(s -> new Info(s.id(), s.name(), s.state(), List.copyOf(s.links()), s.preset())).toList();
  }

  private String freeId() {
    while (taken("f" + nextId)) {
      nextId++;
    }
    return "f" + nextId;
  }

  private boolean taken(String id) {
    return engine.has(id) || engine.faults().stream().anyMatch(s -> s.id().startsWith(id + "."));
  }
}
