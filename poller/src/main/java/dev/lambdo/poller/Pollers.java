package dev.lambdo.poller;

import dev.lambdo.config.FlySettings;
import dev.lambdo.config.PollerConfig;
import dev.lambdo.health.DependencyCheck;
import dev.lambdo.health.FlyCheck;
import dev.lambdo.health.Readiness;
import dev.lambdo.health.SqsCheck;
import dev.lambdo.health.TemporalCheck;
import dev.lambdo.metrics.MachineMetrics;
import dev.lambdo.pool.Pools;
import dev.lambdo.sqs.SqsQueue;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporal.client.WorkflowClient;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Builds a poller for a Temporal client, choosing how running batches are counted. */
public final class Pollers {
  private Pollers() {}

  /** @param metrics where the poller's meters go ({@link PollerMetrics}) */
  public static Poller create(WorkflowClient client, PollerConfig config, SqsQueue sqs, MeterRegistry metrics) {
    return create(client, config, sqs, metrics, false, firstMachines(client, config, metrics));
  }

  /**
   * A poller in a worker's process ({@code LAMBDO_WORKER_POLLS}): {@code client} is the worker
   * factory's, and each start asks for eager execution, so the server answers it with the batch's
   * first workflow task for that worker instead of dispatching it through the task queue.
   *
   * @param first makes new batches' first machines with that worker's Fly client, when its creates are unpaced
   */
  public static Poller besideWorker(WorkflowClient client, PollerConfig config, SqsQueue sqs, MeterRegistry metrics,
      FirstMachines first) {
    return create(client, config, sqs, metrics, true, first);
  }

  private static Poller create(WorkflowClient client, PollerConfig config, SqsQueue sqs, MeterRegistry metrics,
      boolean eager, FirstMachines first) {
    PollerMetrics meters = new PollerMetrics(metrics, config);
    new QueueBacklog(sqs, config.queueUrl()).bindTo(metrics);
    new ClosedBatches(query -> client.countWorkflows(query).getCount(), Instant::now).bindTo(metrics);
    BatchStarter starter = new BatchStarter(client, sqs, config.queueUrl(), config.temporal().taskQueue(), meters,
        eager, first);
    return new Poller(config, sqs, starter, new ProbedRunningBatches(client), meters);
  }

  /** A poller of its own makes first machines when its settings say so. */
  private static FirstMachines firstMachines(WorkflowClient client, PollerConfig config, MeterRegistry metrics) {
    if (!config.makesFirstMachines()) {
      return FirstMachines.NONE;
    }
    FlySettings fly = config.fly().orElseThrow();
    return new FirstMachines(FirstMachines.client(fly, metrics), client.getOptions().getNamespace(), fly.region(),
        new Pools(config.pools(), fly.region()), metrics, MachineMetrics.ofCreates(metrics));
  }

  /**
   * Ready while Temporal answers for the namespace and SQS lets the poller read its queue; a poller
   * that makes first machines needs Fly to take its token too, as a worker does.
   *
   * @param metrics where the Fly check's calls are counted, as every Fly call is
   */
  public static Readiness readiness(WorkflowClient client, PollerConfig config, SqsClient sqs, MeterRegistry metrics) {
    Map<String, DependencyCheck> checks = new LinkedHashMap<>();
    checks.put("temporal", new TemporalCheck(client.getWorkflowServiceStubs(), client.getOptions().getNamespace()));
    checks.put("sqs", SqsCheck.forQueue(sqs, config.queueUrl()));
    if (config.makesFirstMachines()) {
      checks.put("fly", FlyCheck.of(config.fly().orElseThrow(), metrics));
    }
    return new Readiness(checks);
  }
}
