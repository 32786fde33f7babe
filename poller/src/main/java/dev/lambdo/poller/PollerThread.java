package dev.lambdo.poller;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A poller on a platform thread of its own, as the poller process and a worker that polls
 * ({@code LAMBDO_WORKER_POLLS}) run it: stopped by finishing the round in hand, whose received
 * batches it starts or hands back to SQS.
 *
 * <p>The loop outlives every failure of SQS and Temporal (it backs off and tries again), so it
 * ends unasked only on an {@link Error} (out of memory ends the JVM first, with the image's
 * {@code -XX:+ExitOnOutOfMemoryError}). Its process is told, and exits non-zero: Fly restarts a
 * machine whose process failed, but never one whose health check fails.
 */
public final class PollerThread {
  private static final Logger log = LoggerFactory.getLogger(PollerThread.class);

  private final Poller poller;
  private final Thread thread;
  private volatile Throwable failure;

  private PollerThread(Poller poller, Consumer<Throwable> onFailure) {
    this.poller = poller;
    this.thread = Thread.ofPlatform().name("poller").uncaughtExceptionHandler((t, e) -> {
      failure = e;
      try {
        log.error("the poller's loop died: no more messages are received in this process", e);
      } finally {
        // Told even if logging fails too (another Error): the process must not live on without it.
        onFailure.accept(e);
      }
    }).start(poller);
  }

  /** @param onFailure told, on the dying thread, what ended the loop if a stop did not */
  public static PollerThread start(Poller poller, Consumer<Throwable> onFailure) {
    return new PollerThread(poller, onFailure);
  }

  /** Live while the receive loop runs: what the {@code /health} endpoint reports. */
  public boolean isAlive() {
    return thread.isAlive();
  }

  /** What ended the loop, if a stop did not; empty while it runs. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
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
