package dev.lambdo.fly;

import java.time.Duration;
import java.util.Optional;

/**
 * A Fly API call that failed: with an HTTP status, Fly's error text and request id, or with no
 * answer at all (status 0). The message names the operation, never the token.
 */
public final class FlyApiException extends RuntimeException {
  private final String operation;
  private final int status;
  private final String error;
  private final String flyStatus;
  private final String requestId;
  private final Duration retryAfter;

  public FlyApiException(
      String operation,
      int status,
      String error,
      String flyStatus,
      String requestId,
      Duration retryAfter,
      Throwable cause) {
    super(describe(operation, status, error, flyStatus, requestId), cause);
    this.operation = operation;
    this.status = status;
    this.error = error;
    this.flyStatus = flyStatus;
    this.requestId = requestId;
    this.retryAfter = retryAfter;
  }

  /** No answer: a connection, DNS or timeout problem. Always worth a retry. */
  public static FlyApiException unreachable(String operation, Throwable cause) {
    String reason = cause.getClass().getSimpleName() + ": " + cause.getMessage();
    return new FlyApiException(operation, 0, reason, null, null, null, cause);
  }

  public String operation() {
    return operation;
  }

  public int status() {
    return status;
  }

  public String error() {
    return error;
  }

  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /** What the server asked us to wait before the next try ({@code Retry-After}), if it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  /** Timeouts, rate limits, server errors and no answer: a later try may succeed. */
  public boolean isRetryable() {
    return status == 0 || status == 408 || status == 429 || status >= 500;
  }

  /** 409: a lease held by someone else, or a {@code current_version} that no longer matches. */
  public boolean isConflict() {
    return status == 409;
  }

  public boolean isNotFound() {
    return status == 404;
  }

  /** Fly is pacing this app or machine: the request was not carried out, so sending it again is safe. */
  public boolean isRateLimited() {
    return status == 429;
  }

  /** A create named a machine that exists already (UNCONFIRMED at Fly: the emulator's 422). */
  public boolean isNameTaken() {
    return "name_taken".equals(flyStatus) || error != null && error.contains("already been taken");
  }

  /** Fly could not place the machine where asked; another region may have room. */
  public boolean isCapacity() {
    return "insufficient_capacity".equals(flyStatus)
        || error != null
            && (error.contains("could not reserve resource") || error.contains("insufficient"));
  }

  private static String describe(
      String operation, int status, String error, String flyStatus, String requestId) {
    StringBuilder text = new StringBuilder("Fly API ").append(operation);
    text.append(status == 0 ? " got no answer" : " failed with " + status);
    if (error != null && !error.isBlank()) {
      text.append(": ").append(error);
    }
    if (flyStatus != null) {
      text.append(" (").append(flyStatus).append(')');
    }
    if (requestId != null) {
      text.append(" [fly-request-id ").append(requestId).append(']');
    }
    return text.toString();
  }
}
