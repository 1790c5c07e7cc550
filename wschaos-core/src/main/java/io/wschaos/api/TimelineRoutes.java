package io.wschaos.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.wschaos.spec.Problem;
import io.wschaos.timeline.Event;
import io.wschaos.timeline.JsonlWriter;
import io.wschaos.timeline.Redactor;
import io.wschaos.timeline.Timeline;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code /api/timeline} (past events as JSON Lines) and {@code /api/events} (the live stream, as
 * Server-Sent Events). Both are redacted the way the timeline's file is ({@code --no-redact} turns
 * it off).
 */
final class TimelineRoutes {
  static final String NDJSON = "application/x-ndjson";
  static final int DEFAULT_LIMIT = 10_000;
  static final int MAX_LIMIT = 100_000;
  /** The response header that says what to pass as {@code since} for the next page. */
  static final String NEXT_SINCE = "Wschaos-Next-Since";

  private final Vertx vertx;
  private final Timeline timeline;
  private final Redactor redactor;
  private final ApiOptions options;
  private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();

  TimelineRoutes(Vertx vertx, Timeline timeline, ApiOptions options) {
    this.vertx = vertx;
    this.timeline = timeline;
    this.redactor = Redactor.of(timeline.options().redact());
    this.options = options;
  }

  /** {@code GET /api/timeline?since=SEQ&limit=N}: the events after {@code since}, oldest first. */
  void since(RoutingContext ctx) {
    long since = number(ctx, "since", 0, 0, Long.MAX_VALUE);
    int limit = (int) number(ctx, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    Future<List<Event>> events;
    if (since + 1 >= timeline.stats().firstInMemory()) {
      events = Future.succeededFuture(timeline.since(since, limit)); // memory only: no I/O
    } else {
      events = vertx.executeBlocking(() -> timeline.since(since, limit), false); // older events come from the file
    }
    events.onComplete(ar -> {
      if (ar.failed()) {
        new ApiError(500, "the timeline could not be read: " + ar.cause().getMessage()).send(ctx.response());
        return;
      }
      List<Event> list = ar.result();
      Buffer body = Buffer.buffer(list.size() * 160);
      for (Event e : list) {
        body.appendBytes(JsonlWriter.line(e, redactor));
      }
      long next = list.isEmpty() ? since : list.get(list.size() - 1).seq();
      ctx.response()
          .putHeader(HttpHeaders.CONTENT_TYPE, NDJSON + "; charset=utf-8")
          .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
          .putHeader(NEXT_SINCE, Long.toString(next))
          .end(body);
    });
  }

  /** {@code GET /api/events}: every event from now on, until the reader hangs up. */
  void events(RoutingContext ctx) {
    EventStream stream = new EventStream(vertx, ctx.response(), redactor, options, streams::remove);
    streams.add(stream);
    stream.start(timeline);
  }

  /** Ends every open event stream (the API is closing). */
  void closeStreams() {
    for (EventStream s : List.copyOf(streams)) {
      s.close();
    }
  }

  int openStreams() {
    return streams.size();
  }

  private static long number(RoutingContext ctx, String name, long dflt, long min, long max) {
    List<String> values = ctx.queryParam(name);
    if (values.isEmpty()) {
      return dflt;
    }
    String v = values.get(0).trim();
    try {
      long n = Long.parseLong(v);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new ApiError(400, "bad query parameter " + name,
        List.of(new Problem(name, "'" + v + "' is not a whole number from " + min + (max == Long.MAX_VALUE ? " up" : " to " + max))));
  }
}
