package io.wschaos.fault.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import io.wschaos.fault.AttemptView;
import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.HandshakeAction;
import io.wschaos.fault.LinkPort;
import io.wschaos.fault.ListenerStage;
import io.wschaos.spec.ParamException;
import java.util.List;
import java.util.Map;

/**
 * A deploy or crash window, for as long as the trigger's {@code for}: new connections are reset as
 * soon as they are accepted (every attempt on the timeline), refused by the kernel (the listening
 * socket is closed; attempts are invisible), or answered 503 with {@code Retry-After}. Links already
 * open survive unless {@code close_links} says otherwise.
 */
public final class ServerDownFault implements Fault {
  public enum Mode {
    RESET,
    REFUSE,
    REJECT
  }

  /**
   * @param mode reset (default), refuse or reject
   * @param close_links what open links get when the fault starts: a close code, or abort (abort fin,
   *     abort reset); default none
   * @param retry_after seconds, the 503's Retry-After (reject only; default 5)
   */
  public record Params(Mode mode, JsonNode close_links, Integer retry_after) {
    public Params {
      mode = mode == null ? Mode.RESET : mode;
      ending(close_links); // validates
      ParamException.require(retry_after == null || mode == Mode.REJECT, "retry_after", "retry_after goes with mode: reject");
      retry_after = retry_after == null ? 5 : retry_after;
      ParamException.require(retry_after >= 0, "retry_after", "retry_after is seconds ≥ 0");
    }

    /** What open links get, or null for nothing. */
    LinkEnding closeLinks() {
      return ending(close_links);
    }

    private static LinkEnding ending(JsonNode n) {
      if (n == null || n.isNull()) {
        return null;
      }
      if (n.isInt()) {
        return LinkEnding.close(n.asInt(), "close_links");
      }
      ParamException.require(n.isTextual(), "close_links", "close_links is a close code (e.g. 1001) or abort");
      return n.asText().trim().matches("\\d+")
          ? LinkEnding.close(Integer.parseInt(n.asText().trim()), "close_links")
          : LinkEnding.parse(n.asText(), "close_links", false);
    }
  }

  private final Params p;
  private final LinkEnding closeLinks;

  public ServerDownFault(Params p) {
    this.p = p;
    this.closeLinks = p.closeLinks();
  }

  @Override
  public ListenerStage listener(FaultContext ctx) {
    return new ListenerStage() {
      @Override
      public String faultId() {
        return ctx.faultId();
      }

      @Override
      public boolean resetsConnection() {
        return p.mode() == Mode.RESET;
      }

      @Override
      public boolean refusesConnections() {
        return p.mode() == Mode.REFUSE;
      }

      @Override
      public HandshakeAction onHandshake(AttemptView attempt) {
        if (p.mode() != Mode.REJECT) {
          return null;
        }
        ctx.record("rejected", null, 0, "attempt " + attempt.number() + ": 503");
        return new HandshakeAction.Reject(503, Map.of("Retry-After", List.of(String.valueOf(p.retry_after()))), "server down\n", ctx.faultId());
      }
    };
  }

  @Override
  public void start(LinkPort link, FaultContext ctx) {
    if (closeLinks != null) {
      closeLinks.apply(link, ctx.faultId(), "server down");
    }
  }
}
