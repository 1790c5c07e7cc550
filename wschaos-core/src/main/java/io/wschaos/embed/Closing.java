package io.wschaos.embed;

import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;

/** Stops what this package started, bounded in time. */
final class Closing {
  private Closing() {}

  static void vertx(Vertx vertx) {
    try {
      vertx.close().await(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // its threads are daemons of nobody: nothing more can be done
    }
  }
}
