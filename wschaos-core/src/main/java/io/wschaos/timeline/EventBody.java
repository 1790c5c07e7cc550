package io.wschaos.timeline;

import io.wschaos.frame.Direction;
import io.wschaos.frame.Leg;
import java.util.List;
import java.util.Map;

/** The kind-specific part of an event. Each record is one {@code kind} of docs/timeline.md. */
public sealed interface EventBody {
  /** The {@code kind} written on the JSON line. */
  String kind();

  /**
   * The run header: recorded by the runner at scenario t = 0 (the proxy listening, the server
   * ready), so its own {@code t} is the scenario's origin on the timeline's clock. Readers convert
   * an event's {@code t} to scenario time by subtracting it.
   *
   * @param name the scenario's name
   * @param seed the scenario's seed, as text (63-bit seeds lose digits as JSON numbers in JavaScript)
   * @param durationMicros the scenario's {@code duration}
   */
  record Scenario(String name, String seed, long durationMicros) implements EventBody {
    public String kind() {
      return "scenario";
    }
  }

  /**
   * A TCP connection accepted on a client-facing port that sent an upgrade request.
   *
   * @param headers the request headers as received, all values in order (redacted only when written)
   * @param extensions the client's Sec-WebSocket-Extensions offer, recorded and never forwarded
   */
  record Attempt(
      String remote,
      String path,
      String query,
      Map<String, List<String>> headers,
      List<String> subprotocols,
      String extensions)
      implements EventBody {
    public String kind() {
      return "attempt";
    }
  }

  /** The handshake was answered with an HTTP status instead of 101. {@code by}: proxy or server. */
  record Rejected(int status, String by, String reason) implements EventBody {
    public String kind() {
      return "rejected";
    }
  }

  /** Both legs are open and frames flow. */
  record Open(String subprotocol) implements EventBody {
    public String kind() {
      return "open";
    }
  }

  /**
   * A data message at ingress (text or binary, all its frames).
   *
   * @param id per link and direction, from 1
   * @param preview bounded payload text at level preview, else null
   */
  record Message(
      Direction to, long id, String opcode, long size, int frames, String preview, boolean truncated)
      implements EventBody {
    public String kind() {
      return "message";
    }
  }

  /** A ping or pong frame at ingress. */
  record ControlFrame(Direction to, String opcode, int size) implements EventBody {
    public String kind() {
      return "frame";
    }
  }

  /**
   * A close frame crossing the proxy, or written by it.
   *
   * @param leg the socket the close frame was read from ({@code by} the peer) or written to ({@code by: proxy})
   * @param by client, server or proxy
   * @param code null when the close frame had no payload
   * @param fault the fault id when the proxy closed because of a fault, else null
   */
  record Close(Leg leg, String by, Integer code, String reason, String fault) implements EventBody {
    public String kind() {
      return "close";
    }
  }

  /**
   * A TCP connection ended without a completed close handshake.
   *
   * @param leg the socket that died ({@code by} its peer) or that the proxy killed ({@code by: proxy})
   * @param mode reset (RST) or fin
   */
  record Abort(Leg leg, String by, String mode, String fault, String detail) implements EventBody {
    public String kind() {
      return "abort";
    }
  }

  /**
   * What a fault did: started or stopped on a link, or touched one unit ({@code dropped},
   * {@code delayed}, {@code duplicated}, {@code swallowed}…).
   *
   * @param fault the fault's id
   * @param name the fault's kind (delay, drop…)
   * @param to the direction of the unit it touched, or null for link-level actions
   * @param message the id of the message it touched, or null
   */
  record Fault(String fault, String name, String action, Direction to, Long message, String detail)
      implements EventBody {
    public String kind() {
      return "fault";
    }
  }

  /**
   * The client process of a runner instance (the instance is the event's {@code client}).
   *
   * @param action spawned, stdout, stderr, truncated (output past the bound), exited
   * @param code the exit code, with exited (null when killed by a signal)
   * @param line one line of output, with stdout and stderr
   */
  record ClientProcess(String action, Long pid, Integer code, String line) implements EventBody {
    public String kind() {
      return "client";
    }
  }

  /** The server process or builtin server: started, ready, stdout, stderr, truncated, stopped, exited, restarted. */
  record ServerProcess(String action, Long pid, Integer code, String line) implements EventBody {
    public String kind() {
      return "server";
    }
  }

  /**
   * The verdict of one expectation, written when it became final (or at the end of the run).
   *
   * @param expectation the expectation's id (its name, or name#N when several share one)
   * @param status pass, fail or undecided (a fail that says what was missing)
   * @param evidence the {@code seq} of the events it rests on
   */
  record Verdict(String expectation, String status, String sentence, java.util.List<Long> evidence) implements EventBody {
    public String kind() {
      return "verdict";
    }
  }

  /**
   * A message a fault touched (delayed, reordered, duplicated, corrupted…) left the proxy: its
   * egress, so reports and expectations see when it really arrived. Untouched messages leave as
   * they came and have no egress event.
   *
   * @param id the message's id (as on its {@code message} event)
   * @param copy 0 for the message itself, 1, 2… for the copies a duplicate fault sent
   */
  record Egress(Direction to, long id, int copy) implements EventBody {
    public String kind() {
      return "egress";
    }
  }

  /** The link is gone on both legs: the end of its story, with the bytes it carried. */
  record Ended(long bytesToServer, long bytesToClient) implements EventBody {
    public String kind() {
      return "ended";
    }
  }

  /** A non-upgrade HTTP request forwarded on the proxy port. */
  record Http(String method, String path, int status, long micros) implements EventBody {
    public String kind() {
      return "http";
    }
  }

  /**
   * A live subscriber fell behind and missed {@code missed} events. Only subscribers see it: it is
   * delivered in their stream, never recorded on the timeline. Its event's {@code seq} is the last
   * seq missed, so {@code since(gap.seq - missed)} fetches what was skipped.
   */
  record Gap(long missed) implements EventBody {
    public String kind() {
      return "gap";
    }
  }

  /**
   * Events {@code first}..{@code last} were recorded but never reached the timeline file, because
   * its writer fell behind (a stalled disk) or failed. They are served from memory while they are
   * still there; once evicted they are gone, and this event marks the hole.
   */
  record Lost(long first, long last) implements EventBody {
    public long count() {
      return last - first + 1;
    }

    public String kind() {
      return "lost";
    }
  }

  /**
   * A line of a kind this version does not know, read from a file written by a newer minor
   * version. Its fields (all but the header) are kept in order so that it can be written again.
   */
  record Unknown(String kind, Map<String, Object> fields) implements EventBody {}
}
