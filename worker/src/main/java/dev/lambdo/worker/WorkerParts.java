package dev.lambdo.worker;

import dev.lambdo.config.WorkerConfig;
import dev.lambdo.fly.FlyClient;
import dev.lambdo.pool.Pools;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.client.WorkflowClient;

/**
 * What a worker process's worker and the poller beside it share: one Fly client (one connection
 * pool, one set of meters), the worker's pools, and the creates the poller begins for the worker.
 */
public record WorkerParts(FlyClient fly, Pools pools, EarlyCreates early) {
  /** @param metrics where the Fly client's meters go */
  public static WorkerParts of(WorkflowClient client, WorkerConfig config, MeterRegistry metrics) {
    FlyClient fly = new FlyClient(config.fly(), metrics);
    Pools pools = new Pools(config.pools(), config.fly().region());
    return new WorkerParts(fly, pools,
        EarlyCreates.forWorker(config, client.getOptions().getNamespace(), fly, pools));
  }
}
