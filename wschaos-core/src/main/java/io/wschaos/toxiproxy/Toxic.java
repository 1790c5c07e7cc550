package io.wschaos.toxiproxy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * One toxic as Toxiproxy shows it: name, type, stream, toxicity and attributes, plus the ids of the
 * wschaos faults it stands for on its proxy.
 */
final class Toxic {
  final String name;
  final String type;
  final String stream;
  float toxicity;
  ObjectNode attributes;
  /** The fault ids it added to the proxy's engine (none when inert or while the proxy is disabled). */
  List<String> faultIds = List.of();

  Toxic(String name, String type, String stream, float toxicity, ObjectNode attributes) {
    this.name = name;
    this.type = type;
    this.stream = stream;
    this.toxicity = toxicity;
    this.attributes = attributes;
  }

  boolean upstream() {
    return "upstream".equals(stream);
  }

  /** Toxiproxy's JSON, its field order included. */
  ObjectNode json() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.set("attributes", attributes.deepCopy());
    o.put("name", name);
    o.put("type", type);
    o.put("stream", stream);
    if (toxicity == Math.rint(toxicity) && !Float.isInfinite(toxicity)) {
      o.put("toxicity", (long) toxicity); // Go prints float32 1 as 1
    } else {
      o.put("toxicity", new java.math.BigDecimal(Float.toString(toxicity)));
    }
    return o;
  }
}
