package io.wschaos.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.CopyOptions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The feed's state across a process restart: {@code {"nextSeq": N, "tokenKey": "<base64>"}}.
 *
 * <p>Written to a temporary file and moved over the old one, so a reader never sees half a file.
 * Writes are chained, never concurrent; all file work goes through Vert.x's asynchronous file system.
 */
final class StateFile {
  record State(long nextSeq, byte[] tokenKey) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Vertx vertx;
  private final Path path;
  private Future<Void> lastWrite = Future.succeededFuture();

  StateFile(Vertx vertx, Path path) {
    this.vertx = vertx;
    this.path = path;
  }

  Path path() {
    return path;
  }

  /** The saved state, or null when the file does not exist yet. */
  Future<State> load() {
    String file = path.toString();
    return vertx
        .fileSystem()
        .exists(file)
        .compose(exists -> exists ? vertx.fileSystem().readFile(file).map(this::parse) : Future.succeededFuture());
  }

  /** Saves after every earlier save has finished; the future completes once the file is in place. */
  Future<Void> save(State state) {
    Buffer content = Buffer.buffer(render(state));
    String tmp = path + ".tmp";
    lastWrite =
        lastWrite.transform(
            ignored ->
                vertx
                    .fileSystem()
                    .writeFile(tmp, content)
                    .compose(
                        v ->
                            vertx
                                .fileSystem()
                                .move(
                                    tmp,
                                    path.toString(),
                                    new CopyOptions().setReplaceExisting(true).setAtomicMove(true))));
    return lastWrite;
  }

  private State parse(Buffer content) {
    try {
      JsonNode root = JSON.readTree(content.getBytes());
      JsonNode next = root == null ? null : root.get("nextSeq");
      JsonNode key = root == null ? null : root.get("tokenKey");
      if (next == null || !next.canConvertToLong() || !next.isIntegralNumber() || next.asLong() < 1) {
        throw bad("nextSeq must be an integer of at least 1");
      }
      if (key == null || !key.isTextual()) {
        throw bad("tokenKey must be a base64 string");
      }
      byte[] keyBytes = Base64.getDecoder().decode(key.asText());
      if (keyBytes.length < 16) {
        throw bad("tokenKey must hold at least 16 bytes");
      }
      return new State(next.asLong(), keyBytes);
    } catch (IOException | IllegalArgumentException e) {
      throw bad("not valid JSON or base64 (" + e.getMessage() + ")");
    }
  }

  private IllegalStateException bad(String why) {
    return new IllegalStateException("state file " + path + ": " + why);
  }

  private static String render(State state) {
    ObjectNode o = JSON.createObjectNode();
    o.put("nextSeq", state.nextSeq());
    o.put("tokenKey", Base64.getEncoder().encodeToString(state.tokenKey()));
    return o.toString() + "\n";
  }
}
