package dev.lambdo.worker;

import java.time.Duration;

/**
 * Spaces this worker's creates at {@code LAMBDO_FLY_CREATES_PER_SECOND} with a bucket shaped like
 * Fly's own for creates (docs/fly-machines-api.md §5: 1 request/s, bursts of 3). The Temporal
 * server paces create tasks across all workers but lets short bursts through and leaves gaps; a
 * bucket of the same shape as Fly's turns the bursts into waits instead of 429s, and lets creates
 * catch up after a gap as Fly allows.
 */
final class CreatePacer {
  static final int FLY_BURST = 3;
  static final CreatePacer UNPACED = new CreatePacer(0);

  private final long intervalNanos;
  /** When the bucket is empty again at the current pace (GCRA's theoretical arrival time). */
  private long emptyAt = System.nanoTime();

  /** @param perSecond creates per second; 0 for no pacing */
  CreatePacer(double perSecond) {
    if (perSecond < 0 || Double.isNaN(perSecond)) {
      throw new IllegalArgumentException("perSecond must be >= 0, was " + perSecond);
    }
    this.intervalNanos = perSecond == 0 ? 0 : (long) Math.min(1e9 / perSecond, Long.MAX_VALUE / 8.0);
  }

  /**
   * Waits for this create's turn, unless that is more than {@code maxWait} away: then it takes no
   * turn and returns false, so a backlog of creates never outwaits their activity's timeout.
   */
  boolean awaitTurn(Duration maxWait) {
    if (intervalNanos == 0) {
      return true;
    }
    long wait;
    synchronized (this) {
      long now = System.nanoTime();
      long next = Math.max(emptyAt, now) + intervalNanos;
      wait = next - FLY_BURST * intervalNanos - now;
      if (wait > maxWait.toNanos()) {
        return false;
      }
      emptyAt = next;
    }
    if (wait > 0) {
      try {
        Thread.sleep(Duration.ofNanos(wait));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting to create", e);
      }
    }
    return true;
  }
}
