package dev.lambdo.devkit.emulator;

/**
 * A token bucket: starts full with {@code burst} tokens, refills at {@code perSecond}, and a
 * request passes when it can take a whole token. Time comes in as nanoseconds so tests can drive it.
 */
final class TokenBucket {
  private final double perNano;
  private final double burst;
  private double tokens;
  private long lastNanos;

  TokenBucket(double perSecond, int burst, long nowNanos) {
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.tokens = burst;
    this.lastNanos = nowNanos;
  }

  synchronized boolean tryTake(long nowNanos) {
    refill(nowNanos);
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  /** Full again: nothing would change if the bucket were dropped and made anew. */
  synchronized boolean isFull(long nowNanos) {
    refill(nowNanos);
    return tokens >= burst;
  }

  private void refill(long nowNanos) {
    tokens = Math.min(burst, tokens + Math.max(0, nowNanos - lastNanos) * perNano);
    lastNanos = Math.max(lastNanos, nowNanos);
  }
}
