package io.wschaos.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.http.HttpServerResponse;
import io.wschaos.spec.Problem;
import java.util.List;

/**
 * A request the API refuses: its status, one sentence, and the fields at fault. Every error answer
 * has the same shape: {@code {"error": "...", "problems": [{"path": "fault.delay.by", "message": "..."}]}}.
 */
final class ApiError extends RuntimeException {
  private final int status;
  private final List<Problem> problems;

  ApiError(int status, String error, List<Problem> problems) {
    super(error);
    this.status = status;
    this.problems = List.copyOf(problems);
  }

  ApiError(int status, String error) {
    this(status, error, List.of());
  }

  int status() {
    return status;
  }

  List<Problem> problems() {
    return problems;
  }

  ObjectNode toJson() {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("error", getMessage());
    ArrayNode list = o.putArray("problems");
    for (Problem p : problems) {
      list.addObject().put("path", p.path()).put("message", p.message());
    }
    return o;
  }

  /** Answers with this error, unless the response is already on its way. */
  void send(HttpServerResponse response) {
    if (response.ended() || response.headWritten()) {
      return;
    }
    if (status == 401) {
      response.putHeader("WWW-Authenticate", "Bearer realm=\"wschaos\"");
    }
    Json.send(response, status, toJson());
  }
}
