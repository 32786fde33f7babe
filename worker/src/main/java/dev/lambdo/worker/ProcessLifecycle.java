package dev.lambdo.worker;

import dev.lambdo.poller.PollerThread;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the worker process runs — its worker and, with {@code LAMBDO_WORKER_POLLS}, its poller —
 * and how it stops: the poller first, so the batches of its last round still find the worker,
 * then the worker's activities in hand. Once a stop has begun nothing more starts: a SIGTERM that
 * lands mid-startup must not leave a poller receiving for a worker that is going away.
 */
final class ProcessLifecycle {
  private static final Logger log = LoggerFactory.getLogger(ProcessLifecycle.class);
  /**
   * The worker's share of Fly's kill_timeout (60 s, fly.worker.toml); a poller inside it gets what
   * is left ({@link #pollerPatience}).
   */
  static final Duration WORKER_PATIENCE = Duration.ofSeconds(30);

  private final Duration pollerPatience;
  // Written under the lock, read without it: /health must answer while a start holds the lock.
  private volatile WorkerFactory worker;
  private volatile PollerThread poller;
  private boolean stopping;

  /** @param pollerPatience how long a stop waits for the poller's round in hand */
  ProcessLifecycle(Duration pollerPatience) {
    this.pollerPatience = pollerPatience;
  }

  /** Long enough for a receive under way (the long poll) to come back and its batches to start. */
  static Duration pollerPatience(Duration longPoll) {
    return longPoll.plusSeconds(10);
  }

  /** Starts the worker, unless a stop has begun; returns whether it started. */
  synchronized boolean startWorker(Supplier<WorkerFactory> start) {
    if (!stopping) {
      worker = start.get();
    }
    return !stopping;
  }

  /** Starts the poller, unless a stop has begun; returns whether it started. */
  synchronized boolean startPoller(Supplier<PollerThread> start) {
    if (!stopping) {
      poller = start.get();
    }
    return !stopping;
  }

  /** Live while what started runs; before anything started (waiting for Temporal), live too. */
  boolean isLive() {
    WorkerFactory w = worker;
    PollerThread p = poller;
    return (w == null || (w.isStarted() && !w.isShutdown())) && (p == null || p.isAlive());
  }

  /**
   * Stops what runs, poller first; returns the exit code: 0 when all stopped in time and the
   * poller's loop had not died.
   */
  int stop() {
    WorkerFactory stoppingWorker;
    PollerThread stoppingPoller;
    synchronized (this) {
      stopping = true;
      stoppingWorker = worker;
      stoppingPoller = poller;
    }
    boolean clean = true;
    if (stoppingPoller != null) {
      clean = stoppingPoller.stop(pollerPatience);
      log.info("stopping: the poller has {}", clean ? "stopped" : "not stopped in time");
      // A loop that died ends the process as a failure, so Fly's restart policy starts it again.
      clean &= stoppingPoller.failure().isEmpty();
    }
    if (stoppingWorker != null) {
      log.info("stopping: finishing activities in progress");
      stoppingWorker.shutdown();
      stoppingWorker.awaitTermination(WORKER_PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
      clean &= stoppingWorker.isTerminated();
    }
    return clean ? 0 : 1;
  }
}
