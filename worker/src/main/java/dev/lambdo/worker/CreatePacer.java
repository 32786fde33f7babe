package dev.lambdo.worker;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Spaces this worker's creates at {@code LAMBDO_FLY_CREATES_PER_SECOND} with a bucket shaped like
 * Fly's own for creates (docs/fly-machines-api.md §5: 1 request/s, bursts of 3). The Temporal
 * server paces create tasks across all workers but lets short bursts through and leaves gaps; a
 * bucket of the same shape as Fly's turns the bursts into waits instead of 429s, and lets creates
 * catch up after a gap as Fly allows.
 */
final class CreatePacer {
  static final int FLY_BURST = 3;
  /**
   * How much longer than another a create may take to reach Fly after leaving on its turn. Fly's
   * bucket counts arrivals, this one sends: measured in the bench, the fourth create of a backlog,
   * sent one interval after the first, met a 429 in every run, the first having taken longer on
   * its way. Taking this off the burst's tolerance keeps every arrival within Fly's bucket (the
   * burst's last create waits it out, once); the pace is unchanged. 100 ms still left a 429 in two
   * of four runs, on a fresh worker's first creates (its first connection, its classes loading);
   * 300 ms none in four, and covers a TLS handshake to Fly's API besides.
   */
  static final Duration ARRIVAL_JITTER = Duration.ofMillis(300);
  static final CreatePacer UNPACED = new CreatePacer(0);

  private final LongSupplier nanos;
  private final long intervalNanos;
  /** How far ahead of the bucket's empty time a create may go: the burst, less the jitter. */
  private final long toleranceNanos;
  /** When the bucket is empty again at the current pace (GCRA's theoretical arrival time). */
  private long emptyAt;

  /** @param perSecond creates per second; 0 for no pacing */
  CreatePacer(double perSecond) {
    this(perSecond, System::nanoTime);
  }

  CreatePacer(double perSecond, LongSupplier nanos) {
    if (perSecond < 0 || Double.isNaN(perSecond)) {
      throw new IllegalArgumentException("perSecond must be >= 0, was " + perSecond);
    }
    this.nanos = nanos;
    this.intervalNanos = perSecond == 0 ? 0 : (long) Math.min(1e9 / perSecond, Long.MAX_VALUE / 8.0);
    // Never below one interval: at high rates the jitter shortens the burst, not the pace. Above
    // (FLY_BURST - 1) / ARRIVAL_JITTER (6.7/s) the room left is then less than the jitter: arrivals
    // within (FLY_BURST - 1) intervals of each other still find a token, more may not.
    this.toleranceNanos = Math.max(intervalNanos, FLY_BURST * intervalNanos - ARRIVAL_JITTER.toNanos());
    this.emptyAt = nanos.getAsLong();
  }

  /**
   * Waits for this create's turn, unless that is more than {@code maxWait} away: then it takes no
   * turn and returns false, so a backlog of creates never outwaits their activity's timeout.
   */
  boolean awaitTurn(Duration maxWait) {
    long wait = reserve(maxWait);
    if (wait < 0) {
      return false;
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

  /**
   * Takes the next turn if it is at most {@code maxWait} away.
   *
   * @return nanoseconds until the turn, or -1 when it was further away and not taken
   */
  synchronized long reserve(Duration maxWait) {
    if (intervalNanos == 0) {
      return 0;
    }
    long now = nanos.getAsLong();
    long next = Math.max(emptyAt, now) + intervalNanos;
    long wait = Math.max(0, next - toleranceNanos - now);
    if (wait > maxWait.toNanos()) {
      return -1;
    }
    emptyAt = next;
    return wait;
  }
}
