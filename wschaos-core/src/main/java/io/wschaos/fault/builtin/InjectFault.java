package io.wschaos.fault.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.LinkPort;
import io.wschaos.spec.ParamException;
import io.wschaos.fault.Unit;
import io.wschaos.frame.BytesFrame;
import io.wschaos.frame.Direction;
import java.util.Base64;

/** A message nobody sent: written once toward {@code to} on each link the fault reaches, past every other fault. */
public final class InjectFault implements Fault {
  /**
   * Exactly one of {@code text}, {@code json} (sent as compact JSON text) and {@code binary} (base64).
   */
  public record Params(Direction to, String text, JsonNode json, String binary) {
    public Params {
      ParamException.require(to != null, "to", "inject needs to: server or client");
      ParamException.require(text != null || json != null || binary != null, "", "inject needs one of text, json or binary (base64)");
      ParamException.require(text == null || json == null, "json", "inject takes one of text, json or binary, not text and json");
      ParamException.require(binary == null || text == null && json == null, "binary", "inject takes one of text, json or binary, not " + (text != null ? "text" : "json") + " and binary");
      if (binary != null) {
        try {
          Base64.getDecoder().decode(binary);
        } catch (IllegalArgumentException e) {
          throw new ParamException("binary", "binary is base64 (e.g. AAEC/w==): " + e.getMessage());
        }
      }
    }

    BytesFrame frame() {
      if (text != null) {
        return BytesFrame.text(text);
      }
      if (json != null) {
        return BytesFrame.text(json.toString());
      }
      return BytesFrame.binary(Base64.getDecoder().decode(binary));
    }
  }

  private final Params p;

  public InjectFault(Params p) {
    this.p = p;
  }

  @Override
  public boolean oneShot() {
    return true;
  }

  @Override
  public void start(LinkPort link, FaultContext ctx) {
    BytesFrame frame = p.frame();
    ctx.record("injected", p.to(), 0, frame.opcode().wire() + ", " + frame.size() + " bytes");
    link.inject(p.to(), Unit.of(p.to(), frame, 0, ctx.scheduler().nowMicros()));
  }
}
