package dev.lambdo.poller;

import java.time.Duration;

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
 * a poller admits nothing new until the server lists everything it admitted before ({@link
 * #settledRoom}). So at any moment each other poller has at most one round of admissions the
 * count cannot see, and the limit is exceeded by at most {@code (pollers − 1) × min(limit,
 * }{@value dev.lambdo.sqs.SqsQueue#MAX_BATCH}{@code )} machines, and only while those batches
 * run. With one poller it is exact.
 */
final class MachineLimit {
  /** How long to wait for the server to list this poller's last admissions before going on. */
  static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(2);
  private static final Duration SETTLE_POLL = Duration.ofMillis(5);

  private final int limit;
  private final RunningBatches running;

  MachineLimit(int limit, RunningBatches running) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1, was " + limit);
    }
    this.limit = limit;
    this.running = running;
  }

  /** Batches that may start now; 0 at or over the limit. */
  int room() {
    return Math.max(0, limit - running.count());
  }

  /**
   * The room once the server lists every batch this poller admitted, so no two rounds of its
   * admissions are ever invisible to the other pollers at once. A visibility store slower than
   * {@link #SETTLE_TIMEOUT} is counted as it is, unlisted starts included.
   */
  int settledRoom() throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
    int room = room();
    while (running.unseen() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(SETTLE_POLL);
      room = room();
    }
    return room;
  }

  /** Some of this poller's admissions are not listed by the server yet. */
  boolean hasUnseen() {
    return running.unseen() > 0;
  }

  /** A batch started: count it before the server's count can. */
  void admitted(String workflowId) {
    running.started(workflowId);
  }
}
