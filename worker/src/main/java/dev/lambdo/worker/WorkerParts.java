package dev.lambdo.worker;

import dev.lambdo.config.WorkerConfig;
import dev.lambdo.fly.FlyClient;
import dev.lambdo.metrics.MachineMetrics;
import dev.lambdo.poller.FirstMachines;
import dev.lambdo.pool.Pools;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.client.WorkflowClient;

/**
 * What a worker process's worker and the poller beside it share: one Fly client (one connection
 * pool, one set of meters), the worker's pools and machine meters, and the first machines the
 * poller makes before its starts when creates are unpaced.
 */
public record WorkerParts(FlyClient fly, Pools pools, MachineMetrics machineMetrics, FirstMachines first) {
  /** @param metrics where the Fly client's and the machines' meters go */
  public static WorkerParts of(WorkflowClient client, WorkerConfig config, MeterRegistry metrics) {
    FlyClient fly = new FlyClient(config.fly(), metrics);
    Pools pools = new Pools(config.pools(), config.fly().region());
    MachineMetrics machineMetrics = new MachineMetrics(metrics);
    // Paced creates must pass the server's pace for the whole app, which a poller's create would skip.
    FirstMachines first = config.poller().isPresent() && config.createsPerSecond() == 0
        ? new FirstMachines(FirstMachines.client(config.fly(), metrics), client.getOptions().getNamespace(),
            config.fly().region(), pools, metrics, machineMetrics)
        : FirstMachines.NONE;
    return new WorkerParts(fly, pools, machineMetrics, first);
  }
}
