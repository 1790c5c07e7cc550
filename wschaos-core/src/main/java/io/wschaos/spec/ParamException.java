package io.wschaos.spec;

/**
 * A parameter value a fault or trigger cannot accept. {@code key} is the parameter's name relative
 * to the object being validated, so the loader can say where: {@code faults[1].close.code}.
 */
public final class ParamException extends IllegalArgumentException {
  private final String key;

  public ParamException(String key, String message) {
    super(message);
    this.key = key;
  }

  public String key() {
    return key;
  }

  /** Throws unless {@code ok}. */
  public static void require(boolean ok, String key, String message) {
    if (!ok) {
      throw new ParamException(key, message);
    }
  }
}
