package dev.lambdo.pool;

import dev.lambdo.reaper.ReaperSchedule;
import io.temporal.client.WorkflowClient;
import java.time.Duration;

/**
 * A Temporal Schedule that keeps the warm pools every {@link #INTERVAL}, one per task queue,
 * created by every worker that has pools (the first one wins). The server runs it: no singleton
 * of ours, and a round skipped while the last one still runs.
 */
public final class PoolKeeperSchedule {
  /** How soon a pool drained below its min is topped up again. */
  public static final Duration INTERVAL = Duration.ofSeconds(30);

  private PoolKeeperSchedule() {}

  public static String id(String taskQueue) {
    return "lambdo-pool-keeper-" + taskQueue;
  }

  public static void ensure(WorkflowClient temporal, String taskQueue) {
    ReaperSchedule.ensure(temporal, id(taskQueue), PoolKeeper.class, taskQueue, INTERVAL,
        "keeps the warm pools (LAMBDO_POOLS) at their min idle and destroys machines idle too long",
        "pools are not topped up or trimmed until it exists");
  }
}
