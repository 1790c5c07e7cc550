package io.wschaos.toxiproxy;

/**
 * An error answered as Toxiproxy answers it: {@code {"error": message, "status": status}} with that
 * HTTP status. The constants are Toxiproxy's own (api.go), word for word.
 */
final class ToxiError extends RuntimeException {
  static final ToxiError BAD_REQUEST_BODY = new ToxiError("bad request body", 400);
  static final ToxiError MISSING_FIELD = new ToxiError("missing required field", 400);
  static final ToxiError PROXY_NOT_FOUND = new ToxiError("proxy not found", 404);
  static final ToxiError PROXY_ALREADY_EXISTS = new ToxiError("proxy already exists", 409);
  static final ToxiError INVALID_STREAM = new ToxiError("stream was invalid, can be either upstream or downstream", 400);
  static final ToxiError INVALID_TOXIC_TYPE = new ToxiError("invalid toxic type", 400);
  static final ToxiError TOXIC_ALREADY_EXISTS = new ToxiError("toxic already exists", 409);
  static final ToxiError TOXIC_NOT_FOUND = new ToxiError("toxic not found", 404);

  private final int status;

  ToxiError(String message, int status) {
    super(message, null, false, false);
    this.status = status;
  }

  int status() {
    return status;
  }

  /** Toxiproxy's joinError: {@code "bad request body: " + detail}, same status. */
  ToxiError with(String detail) {
    return new ToxiError(getMessage() + ": " + detail, status);
  }

  /** An error Toxiproxy does not classify (a listen failure): 500 with the message. */
  static ToxiError internal(String message) {
    return new ToxiError(message, 500);
  }
}
