package dev.lambdo.poller;

import dev.lambdo.config.PollerConfig;
import dev.lambdo.sqs.SqsQueue;
import dev.lambdo.workflow.MachineSlots;
import dev.lambdo.workflow.SlotsState;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds a poller for a Temporal client, choosing how running batches are counted. */
public final class Pollers {
  private static final Logger log = LoggerFactory.getLogger(Pollers.class);

  private Pollers() {}

  public static Poller create(WorkflowClient client, PollerConfig config, SqsQueue sqs) {
    String taskQueue = config.temporal().taskQueue();
    BatchStarter starter = new BatchStarter(client, sqs, config.queueUrl(), taskQueue);
    String slots = ensureSlots(client, taskQueue, config.maxConcurrentMachines());
    return new Poller(config, sqs, starter, runningBatches(client), slots);
  }

  /**
   * Starts the machine slots workflow for the task queue, or sets the limit of the one running:
   * the hard limit on live machines, shared by every poller. The count below only keeps messages
   * waiting in SQS rather than in Temporal.
   */
  static String ensureSlots(WorkflowClient client, String taskQueue, int limit) {
    String id = MachineSlots.workflowId(taskQueue);
    MachineSlots slots = client.newWorkflowStub(MachineSlots.class,
        WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(taskQueue)
            .setStaticSummary("at most " + limit + " machines at once").build());
    try {
      WorkflowClient.start(slots::run, SlotsState.empty(limit));
      log.info("started {} with a limit of {} machines", id, limit);
    } catch (WorkflowExecutionAlreadyStarted running) {
      client.newWorkflowStub(MachineSlots.class, id).setLimit(limit);
    }
    return id;
  }

  /** The server's count when it can give one (shared by all pollers), else this poller's own. */
  private static RunningBatches runningBatches(WorkflowClient client) {
    ServerRunningBatches server = new ServerRunningBatches(client);
    try {
      server.count();
      return server;
    } catch (RuntimeException e) {
      log.warn("the Temporal server cannot count workflows ({}); the concurrency limit holds per poller", e.getMessage());
      return new LocalRunningBatches(client);
    }
  }
}
