package dev.lambdo.poller;

import java.time.Duration;

/**
 * A poller on a platform thread of its own, as the poller process and a worker that polls
 * ({@code LAMBDO_WORKER_POLLS}) run it: stopped by finishing the round in hand, whose received
 * batches it starts or hands back to SQS.
 */
public final class PollerThread {
  private final Poller poller;
  private final Thread thread;

  private PollerThread(Poller poller) {
    this.poller = poller;
    this.thread = Thread.ofPlatform().name("poller").start(poller);
  }

  public static PollerThread start(Poller poller) {
    return new PollerThread(poller);
  }

  /** Live while the receive loop runs: what the {@code /health} endpoint reports. */
  public boolean isAlive() {
    return thread.isAlive();
  }

  /** Waits for the loop to end by itself. */
  public void join() throws InterruptedException {
    thread.join();
  }

  /**
   * Asks the loop to stop after the round in hand and waits up to {@code patience} for it.
   *
   * @return whether it stopped in time
   */
  public boolean stop(Duration patience) {
    poller.stop();
    try {
      thread.join(patience.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
  }
}
