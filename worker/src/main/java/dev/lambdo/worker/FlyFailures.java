package dev.lambdo.worker;

import dev.lambdo.fly.FlyApiException;
import io.temporal.failure.ApplicationFailure;

/** Sorts Fly errors by whether a retry can help, in terms Temporal's retry policy understands. */
public final class FlyFailures {
  static final String REJECTED = "FlyRejected";
  static final String UNAVAILABLE = "FlyUnavailable";

  private FlyFailures() {}

  /** 4xx: Fly said no and will say it again. Others: retry, after Retry-After when given. */
  public static ApplicationFailure translate(FlyApiException e) {
    if (!e.isRetryable()) {
      return ApplicationFailure.newNonRetryableFailureWithCause(e.getMessage(), REJECTED, e);
    }
    return ApplicationFailure.newFailureWithCauseAndDelay(
        e.getMessage(), UNAVAILABLE, e, e.retryAfter().orElse(null));
  }
}
