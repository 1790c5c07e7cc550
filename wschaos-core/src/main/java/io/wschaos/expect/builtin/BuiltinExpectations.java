package io.wschaos.expect.builtin;

import io.wschaos.expect.Expectation;
import io.wschaos.spec.Catalog;

/** The catalogue of builtin expectations: one line per expectation, by YAML name (docs/expectations.md). */
public final class BuiltinExpectations {
  private BuiltinExpectations() {}

  public static Catalog<Expectation> catalog() {
    Catalog<Expectation> c = new Catalog<>("expectation", true);
    // reconnecting
    c.register("reconnect", Reconnect.Params.class, Reconnect::new, "a new attempt follows every selected end within the bound");
    c.register("no_reconnect", NoReconnect.Params.class, NoReconnect::new, "no attempt follows a fatal end for that long");
    c.register("backoff", Backoff.Params.class, Backoff::new, "the delays between failed attempts fit a capped geometric envelope");
    c.register("backoff_reset", BackoffReset.Params.class, BackoffReset::new, "after a stable link, the next reconnect is quick again");
    c.register("max_attempts", MaxAttempts.Params.class, MaxAttempts::new, "no reconnect storm");
    c.register("herd", Herd.Params.class, Herd::new, "reconnects after a shared outage are spread out and the attempt rate stays bounded");

    // messages
    c.register("delivered", Delivered.Params.class, Delivered::new, "what was sent before, during and after an outage arrives");
    c.register("acked", Acked.Params.class, Acked::new, "every message forwarded to the client is acknowledged once, in time");
    c.register("resumes", Resumes.Params.class, Resumes::new, "a reconnecting client asks for what it missed");

    // links
    c.register("heartbeat", Heartbeat.Params.class, Heartbeat::new, "the client sends a heartbeat at least that often");
    c.register("detects_dead_link", DetectsDeadLink.Params.class, DetectsDeadLink::new, "the client notices a half-open link within the bound");
    c.register("survives", Survives.Params.class, Survives::new, "the link stays open and the client keeps working after a fault");
    c.register("handshake", Handshake.Params.class, Handshake::new, "every attempt carries what it must");
    c.register("closes_cleanly", ClosesCleanly.Params.class, ClosesCleanly::new, "the client ends its links with a proper close");

    // anything
    c.register("events", Events.Params.class, Events::new, "a general count over the timeline");
    return c;
  }
}
