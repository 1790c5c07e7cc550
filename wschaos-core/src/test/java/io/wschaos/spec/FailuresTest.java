package io.wschaos.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class FailuresTest {
  @Test
  void aWrappedTimeoutReadsAsTimedOutWithoutItsClassName() {
    assertEquals("timed out", Failures.describe(new CompletionException(new TimeoutException())));
    assertEquals("timed out", Failures.describe(new RuntimeException(new TimeoutException())));
  }

  @Test
  void theInnermostMessageWinsOverAWrappersCopyOfItsClassName() {
    assertEquals("Connection refused: /127.0.0.1:9", Failures.describe(
        new CompletionException(new IOException("io.netty.channel.AbstractChannel$AnnotatedConnectException: Connection refused: /127.0.0.1:9"))));
    assertEquals("port taken", Failures.describe(new IllegalStateException("port taken")));
  }

  @Test
  void noMessageAtAllSaysSoWithoutAClassName() {
    assertEquals("an unexpected internal error (run with --verbose for details)", Failures.describe(new NullPointerException()));
  }
}
