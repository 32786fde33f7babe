package dev.lambdo.devkit.chaos;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition; a check that throws (a process being down, say) counts as not yet. */
final class Await {
  private static final Duration PAUSE = Duration.ofMillis(250);

  private Await() {}

  /** True once {@code done} holds, false when {@code limit} passed first. */
  static boolean until(Duration limit, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (true) {
      try {
        if (done.getAsBoolean()) {
          return true;
        }
      } catch (RuntimeException notYet) {
        // Asked again next round.
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(PAUSE);
    }
  }

  /** As {@link #until}, failing the scenario when {@code limit} passes first. */
  static void require(String what, Duration limit, BooleanSupplier done) throws InterruptedException {
    if (!until(limit, done)) {
      throw new AssertionError("timed out after " + limit.toSeconds() + " s waiting for " + what);
    }
  }
}
