package dev.lambdo.pool;

import io.temporal.failure.ApplicationFailure;
import java.time.Duration;

/** A pooled machine's lease is held by someone else for now: the step is tried again after a pause. */
public final class PoolBusyException extends RuntimeException {
  /** The failure type Temporal shows for it. */
  static final String TYPE = "PoolMachineBusy";
  /** A destroy holds a lease for a get and the destroy, well under a second. */
  private static final Duration PAUSE = Duration.ofSeconds(2);

  public PoolBusyException(String message) {
    super(message);
  }

  /** The activity's failure: retried after {@link #PAUSE}, as long as its retry policy allows. */
  public ApplicationFailure retryLater() {
    return ApplicationFailure.newFailureWithCauseAndDelay(getMessage(), TYPE, null, PAUSE);
  }
}
