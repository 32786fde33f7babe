package dev.lambdo.devkit.chaos;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The scenarios' waits, through Awaitility: a check that throws (a process being down, say)
 * counts as not yet.
 */
final class Await {
  private static final Duration PAUSE = Duration.ofMillis(250);

  private Await() {}

  /** True once {@code done} holds, false when {@code limit} passed first. */
  static boolean until(Duration limit, BooleanSupplier done) throws InterruptedException {
    try {
      Awaitility.await().atMost(limit).pollInterval(PAUSE).ignoreExceptions().until(done::getAsBoolean);
      return true;
    } catch (ConditionTimeoutException e) {
      return false;
    }
  }

  /** As {@link #until}, failing the scenario when {@code limit} passes first. */
  static void require(String what, Duration limit, BooleanSupplier done) throws InterruptedException {
    Awaitility.await(what).atMost(limit).pollInterval(PAUSE).ignoreExceptions().until(done::getAsBoolean);
  }
}
