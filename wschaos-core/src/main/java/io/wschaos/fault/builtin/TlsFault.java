package io.wschaos.fault.builtin;

import io.wschaos.fault.Fault;
import io.wschaos.fault.FaultContext;
import io.wschaos.fault.ListenerStage;
import io.wschaos.fault.TlsMode;
import io.wschaos.spec.ParamException;

/**
 * A TLS failure on the proxy's wss:// listener, for the connections accepted while the fault lasts
 * (or the next {@code count} of them): an expired, not yet valid, wrong-host or untrusted
 * certificate, a handshake left unanswered, or a handshake_failure alert. The choice is made per
 * accepted TCP connection, whatever name the client asked for (SNI plays no part). Needs a TLS
 * listener ({@code proxy: {tls: true}}, {@code wschaos proxy --tls}).
 */
public final class TlsFault implements Fault {
  /**
   * @param mode expired, not_yet_valid, wrong_host, untrusted, handshake_stall or alert
   * @param count only the next N connections (default: every one while the fault lasts)
   */
  public record Params(TlsMode mode, Integer count) {
    public Params {
      ParamException.require(mode != null, "mode", "tls needs a mode: expired, not_yet_valid, wrong_host, untrusted, handshake_stall or alert");
      ParamException.require(count == null || count >= 1, "count", "count is a number of connections ≥ 1");
    }
  }

  private final Params p;

  public TlsFault(Params p) {
    this.p = p;
  }

  public TlsMode mode() {
    return p.mode();
  }

  @Override
  public ListenerStage listener(FaultContext ctx) {
    return new ListenerStage() {
      private int chosen; // the engine asks its listener stages one connection at a time

      @Override
      public String faultId() {
        return ctx.faultId();
      }

      @Override
      public TlsMode onTlsConnection(int client) {
        if (p.count() != null && chosen >= p.count()) {
          return null;
        }
        chosen++;
        ctx.record("presented", null, 0, p.mode().description() + (client > 0 ? " to client " + client : "")
            + (p.count() == null ? "" : " (" + chosen + " of " + p.count() + ")"));
        return p.mode();
      }
    };
  }
}
