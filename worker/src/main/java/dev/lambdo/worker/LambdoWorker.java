package dev.lambdo.worker;

import dev.lambdo.workflow.MachineActivities;
import dev.lambdo.workflow.MessageActivities;
import dev.lambdo.workflow.SlotActivities;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import io.temporal.worker.tuning.PollerBehaviorAutoscaling;

/**
 * Registers the batch workflow and its activities on a task queue, and the machine activities
 * again on the paced create queue beside it ({@link MachineActivities#createQueue}).
 */
public final class LambdoWorker {
  /**
   * Batch workflows kept in memory between their tasks: one per machine being watched, so a
   * worker at its activity budget replays none of them from history.
   */
  static final int WORKFLOW_CACHE = 4096;

  static final double SERVER_PACING_HEADROOM = 1.25;
  private static final PollerBehaviorAutoscaling POLLERS = new PollerBehaviorAutoscaling(2, 32, 4);

  private LambdoWorker() {}

  /**
   * Workflow code and activities run on virtual threads: a batch spends hours blocked (the
   * workflow on a timer, awaitExit on Fly's wait endpoint), and thousands of machines must not cost
   * thousands of platform threads.
   */
  public static WorkerFactoryOptions factoryOptions() {
    return WorkerFactoryOptions.newBuilder()
        .setUsingVirtualWorkflowThreads(true)
        .setWorkflowCacheSize(WORKFLOW_CACHE)
        .setMaxWorkflowThreadCount(WORKFLOW_CACHE * 2)
        .build();
  }

  /**
   * @param createsPerSecond the server paces create tasks to this rate across every worker of
   *     the queue; 0 leaves them unpaced
   */
  public static Worker register(
      WorkerFactory factory,
      String taskQueue,
      int maxConcurrentActivities,
      double createsPerSecond,
      MachineActivities machines,
      MessageActivities messages,
      SlotActivities slots) {
    Worker worker =
        factory.newWorker(
            taskQueue,
            WorkerOptions.newBuilder()
                .setUsingVirtualThreadsOnActivityWorker(true)
                .setMaxConcurrentActivityExecutionSize(maxConcurrentActivities)
                // Measured: with the default pollers a backlog of batches waited seconds for
                // their first workflow task while the worker idled; pollers that scale with
                // the server's backlog hints take tasks as fast as they come.
                .setWorkflowTaskPollersBehavior(POLLERS)
                .setActivityTaskPollersBehavior(POLLERS)
                .build());
    worker.registerWorkflowImplementationTypes(BatchWorkflowImpl.class, MachineSlotsImpl.class);
    worker.registerActivitiesImplementations(machines, messages, slots);
    WorkerOptions.Builder creates = WorkerOptions.newBuilder().setUsingVirtualThreadsOnActivityWorker(true)
        .setActivityTaskPollersBehavior(POLLERS);
    if (createsPerSecond > 0) {
      // The server's pacing lets short bursts through and, measured, dispatches below the rate it
      // is given; each worker spaces its own creates exactly (CreatePacer), so the server only
      // needs to bound the sum across workers, with headroom.
      creates.setMaxTaskQueueActivitiesPerSecond(createsPerSecond * SERVER_PACING_HEADROOM);
    }
    factory.newWorker(MachineActivities.createQueue(taskQueue), creates.build())
        .registerActivitiesImplementations(machines);
    return worker;
  }
}
