package dev.lambdo.poller;

import dev.lambdo.sqs.SqsQueue;
import java.time.Duration;
import java.util.function.IntConsumer;

/**
 * {@code LAMBDO_MAX_CONCURRENT_MACHINES}: how many batches (each at most one machine alive) may
 * run at once across every poller and worker. It is held here, where batches are admitted, so a
 * batch under the limit creates its machine in its first workflow task: no workflow stands
 * between the start and the create, none lives forever, and a batch that ends in any way —
 * completed, failed, cancelled, terminated, reset — frees its place the moment the server
 * closes it.
 *
 * <p>The count is Temporal's own (running batch workflows, {@link ServerRunningBatches}), plus
 * this poller's starts the server does not list yet. Pollers do not lock each other out; instead
 * a poller keeps at most {@link #maxUnseen()} admissions the server does not list yet — 5% of the
 * limit, at least {@value #MIN_UNSEEN} ({@link #admissible}). So at any moment each other poller
 * has at most that many batches the count cannot see, and the limit is exceeded by at most
 * {@code (pollers − 1) × min(limit, max(10, limit / 20))} machines, and only while those batches
 * run. With one poller it is exact.
 */
final class MachineLimit {
  /** The fewest admissions a poller may keep unlisted: one receive's worth of batches. */
  static final int MIN_UNSEEN = SqsQueue.MAX_BATCH;
  /**
   * Beyond that, a poller may keep this share of the limit unlisted, so a large limit is reached
   * quickly while the visibility store lags behind; it is also the overshoot per other poller.
   */
  static final int UNSEEN_SHARE_DIVISOR = 20;
  /** How long to wait for the server to list this poller's admissions before admitting nothing. */
  static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(2);
  /** Each look is a visibility query: often enough to go on soon, rarely enough to cost little. */
  private static final Duration SETTLE_POLL = Duration.ofMillis(25);

  private final int limit;
  private final int maxUnseen;
  private final RunningBatches running;
  private final IntConsumer counted;

  MachineLimit(int limit, RunningBatches running) {
    this(limit, running, count -> {});
  }

  /** @param counted told every count, for the {@code lambdo_batches_running} gauge */
  MachineLimit(int limit, RunningBatches running, IntConsumer counted) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
    this.limit = limit;
    this.maxUnseen = Math.max(MIN_UNSEEN, limit / UNSEEN_SHARE_DIVISOR);
    this.running = running;
    this.counted = counted;
  }

  /**
   * Batches that may start now; 0 at or over the limit.
   *
   * @param wanted the batches the caller has in hand, or would receive: when this poller's
   *     unlisted allowance could not admit them all, it learns first which starts the server lists
   */
  int room(int wanted) {
    int unconfirmed = running.unconfirmed();
    int count;
    if (unconfirmed > 0 && (unconfirmed >= maxUnseen || maxUnseen - unconfirmed < wanted)) {
      // Measured in the bench's drain: with the quick count alone, a round admitted what the
      // allowance left (often 1-6 of 10) and the rest waited a whole round, its count included.
      count = running.count();
    } else {
      // The quick count takes each start the server may not list yet as running, perhaps twice.
      // Where that could hold batches back (room for less than the unlisted allowance) ask which
      // the server lists, and count exactly.
      count = running.quickCount();
      if (unconfirmed > 0 && limit - count < maxUnseen) {
        count = running.count();
      }
    }
    counted.accept(count);
    return Math.max(0, limit - count);
  }

  /**
   * How many of {@code room} batches may start now without this poller having more than {@link
   * #maxUnseen()} admissions the server does not list; waits up to {@link #SETTLE_TIMEOUT} for the
   * server to list earlier ones, counting again meanwhile.
   */
  int admissible(int room) throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
    while (running.unseen() >= maxUnseen && System.nanoTime() < deadline) {
      Thread.sleep(SETTLE_POLL);
      room = room(maxUnseen);
    }
    return Math.max(0, Math.min(room, maxUnseen - running.unseen()));
  }

  /** Admissions this poller may have that the server does not list yet. */
  int maxUnseen() {
    return maxUnseen;
  }

  /** A batch started: count it before the server's count can. */
  void admitted(String workflowId) {
    running.started(workflowId);
  }
}
