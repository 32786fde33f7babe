package dev.lambdo.worker;

import dev.lambdo.health.CheckResult;
import dev.lambdo.health.DependencyCheck;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Holds the worker's start until Temporal answers for its namespace: the SDK's worker factory
 * fails its start otherwise, and a process that cannot start is worse than one that waits with
 * its health endpoint up (live, not ready) and says why.
 */
final class TemporalWait {
  private static final Duration FIRST_PAUSE = Duration.ofSeconds(1);
  private static final Duration LONGEST_PAUSE = Duration.ofSeconds(30);

  /** A pause; in tests, one that is only recorded. */
  interface Sleeper {
    void sleep(Duration pause) throws InterruptedException;
  }

  private final DependencyCheck temporal;
  private final Sleeper sleeper;
  private final Consumer<String> warn;

  TemporalWait(DependencyCheck temporal, Sleeper sleeper, Consumer<String> warn) {
    this.temporal = temporal;
    this.sleeper = sleeper;
    this.warn = warn;
  }

  void await(String address) throws InterruptedException {
    Duration pause = FIRST_PAUSE;
    for (CheckResult result = temporal.check(); !result.ok(); result = temporal.check()) {
      warn.accept("Temporal at " + address + " is not ready (" + result.detail()
          + "): the worker starts once it is; trying again in " + pause.toSeconds() + " s");
      sleeper.sleep(pause);
      pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
    }
  }
}
