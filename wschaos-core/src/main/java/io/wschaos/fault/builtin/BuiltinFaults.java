package io.wschaos.fault.builtin;

import io.wschaos.fault.Fault;
import io.wschaos.spec.Catalog;

/** The catalogue of builtin faults: one line per fault, by YAML name. */
public final class BuiltinFaults {
  private BuiltinFaults() {}

  public static Catalog<Fault> catalog() {
    Catalog<Fault> c = new Catalog<>("fault", false);
    // faults on messages
    c.register("delay", DelayFault.Params.class, DelayFault::new, "late messages; order kept");
    c.register("drop", DropFault.Params.class, DropFault::new, "missing messages (loss in the application)");
    c.register("duplicate", DuplicateFault.Params.class, DuplicateFault::new, "the same message twice");
    c.register("reorder", ReorderFault.Params.class, ReorderFault::new, "messages out of order");
    c.register("corrupt", CorruptFault.Params.class, CorruptFault::new, "one unparsable message");
    c.register("inject", InjectFault.Params.class, InjectFault::new, "a message nobody sent");
    c.register("fragment", FragmentFault.Params.class, FragmentFault::new, "a message split into continuation frames");
    c.register("throttle", ThrottleFault.Params.class, ThrottleFault::new, "a slow link");
    c.register("stall", StallFault.Params.class, StallFault::new, "a blip: messages held, then released in order when the fault ends");

    // faults on links
    c.register("close", CloseFault.Params.class, CloseFault::new, "a clean close with that code");
    c.register("abort", AbortFault.Params.class, AbortFault::new, "the TCP connection dies with no close frame (client sees 1006)");
    c.register("blackhole", BlackholeFault.Params.class, BlackholeFault::new, "a half-open connection: nothing arrives, nothing closes");
    c.register("limit_data", LimitDataFault.Params.class, LimitDataFault::new, "the link is cut once that many bytes passed");
    c.register("idle_timeout", IdleTimeoutFault.Params.class, IdleTimeoutFault::new, "the link is cut after that long without traffic");

    // faults on the listener (connections and handshakes)
    c.register("reject_handshake", RejectHandshakeFault.Params.class, RejectHandshakeFault::new, "a failed handshake (401, 403, 429, 503…)");
    c.register("slow_handshake", SlowHandshakeFault.Params.class, SlowHandshakeFault::new, "a handshake answered late");
    c.register("server_down", ServerDownFault.Params.class, ServerDownFault::new, "a deploy or crash window: connections reset, refused or answered 503");
    c.register("restart_server", RestartServerFault.Params.class, RestartServerFault::new, "the real server process is stopped and started again");

    return c;
  }
}
