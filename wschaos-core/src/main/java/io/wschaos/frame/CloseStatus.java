package io.wschaos.frame;

/** Close codes and the rules for which of them may travel in a close frame (RFC 6455 section 7.4). */
public final class CloseStatus {
  public static final int NORMAL = 1000;
  public static final int GOING_AWAY = 1001;
  public static final int PROTOCOL_ERROR = 1002;
  public static final int NO_STATUS = 1005;
  public static final int ABNORMAL = 1006;
  public static final int INVALID_PAYLOAD = 1007;
  public static final int MESSAGE_TOO_BIG = 1009;
  public static final int INTERNAL_ERROR = 1011;

  /** The longest close reason, in UTF-8 bytes: 125 payload bytes minus the 2-byte code. */
  public static final int MAX_REASON_BYTES = 123;

  /** What a scenario may ask the proxy to send, said the way validation messages say it. */
  public static final String ALLOWED = "1000-1014 except 1004-1006, or 3000-4999";

  private CloseStatus() {}

  /** True for a code that may be written in a close frame: never 1004, 1005, 1006 or 1015. */
  public static boolean isSendable(int code) {
    if (code >= 1000 && code <= 1014) {
      return code < 1004 || code > 1006;
    }
    return code >= 3000 && code <= 4999;
  }
}
