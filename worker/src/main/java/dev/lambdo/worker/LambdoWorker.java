package dev.lambdo.worker;

import dev.lambdo.pool.PoolKeeperImpl;
import dev.lambdo.pool.PoolUpkeep;
import dev.lambdo.pool.Pools;
import dev.lambdo.reaper.MachineReaperImpl;
import dev.lambdo.reaper.OrphanedMachines;
import dev.lambdo.workflow.BatchWorkflow;
import dev.lambdo.workflow.MachineActivities;
import dev.lambdo.workflow.MessageActivities;
import dev.lambdo.workflow.PoolActivities;
import dev.lambdo.workflow.SlotActivities;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import io.temporal.worker.tuning.PollerBehaviorAutoscaling;

/**
 * Registers the batch workflow and its activities on a task queue, and the machine activities
 * again on the paced create queue beside it ({@link MachineActivities#createQueue}), and the
 * reaper's sweep ({@link dev.lambdo.reaper.ReaperSchedule}).
 */
public final class LambdoWorker {
  /**
   * Batch workflows kept in memory between their tasks: one per machine being watched, so a
   * worker at its activity budget replays none of them from history.
   */
  static final int WORKFLOW_CACHE = 4096;
  private static final int MIN_POLLERS = 2;
  private static final int MAX_POLLERS = 32;
  private static final int INITIAL_POLLERS = 4;

  /**
   * Each worker spaces its own creates exactly (CreatePacer); the server's pace only bounds the sum
   * across workers. Temporal divides a task queue's rate equally among its partitions, 4 by default
   * (temporalio/temporal: matching's TaskMatcher.UpdateRatelimit, dynamic config
   * GlobalDefaultNumTaskQueuePartitions), and a partition dispatches only its own tasks: given 2×
   * the rate, the last creates of a backlog, left in one partition, went at half the rate (0.81 of
   * it in one bench run). At 4× each partition alone can keep up with the pace. What it costs: two
   * to four workers' creates reach Fly faster than its rate, and its 429s (sent again inside the
   * activity, never spending an attempt) hold their sum; in one worker more creates wait on its
   * pacer, and those more than MachineActivitiesImpl.MAX_PACED_WAIT behind come back later.
   */
  static final double SERVER_PACING_HEADROOM = 4;
  /**
   * Task pollers that scale with the server's backlog hints: measured, with the SDK's default
   * pollers a backlog of batches waited seconds for their first workflow task while the worker
   * idled.
   */
  private static final PollerBehaviorAutoscaling POLLERS =
      new PollerBehaviorAutoscaling(MIN_POLLERS, MAX_POLLERS, INITIAL_POLLERS);

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
   * @param createsPerSecond each worker's creates keep to this rate, and the server paces create
   *     tasks across every worker of the queue at {@link #SERVER_PACING_HEADROOM} times it; 0
   *     leaves them unpaced
   * @param inputs the runs' inputs, shared by the workflows with the creates of {@code machines}
   * @param pools the warm pools batches of this worker take machines from, through {@code pool},
   *     and the keeper's rounds keep, through {@code upkeep}
   */
  public static Worker register(
      WorkerFactory factory,
      String taskQueue,
      int maxConcurrentActivities,
      double createsPerSecond,
      MachineActivities machines,
      MessageActivities messages,
      SlotActivities slots,
      OrphanedMachines orphans,
      RunInputs inputs,
      Pools pools,
      PoolActivities pool,
      PoolUpkeep upkeep) {
    Worker worker =
        factory.newWorker(
            taskQueue,
            WorkerOptions.newBuilder()
                .setUsingVirtualThreadsOnActivityWorker(true)
                // Unpaced creates run as local activities (BatchWorkflowImpl.LOCAL_CREATES).
                .setUsingVirtualThreadsOnLocalActivityWorker(true)
                .setMaxConcurrentActivityExecutionSize(maxConcurrentActivities)
                .setWorkflowTaskPollersBehavior(POLLERS)
                .setActivityTaskPollersBehavior(POLLERS)
                .build());
    CreateRoute route = CreateRoute.forRate(createsPerSecond);
    worker.registerWorkflowImplementationFactory(BatchWorkflow.class, () -> new BatchWorkflowImpl(route, inputs, pools));
    worker.registerWorkflowImplementationTypes(MachineSlotsImpl.class, MachineReaperImpl.class, PoolKeeperImpl.class);
    worker.registerActivitiesImplementations(machines, messages, slots, orphans, pool, upkeep);
    WorkerOptions.Builder creates = WorkerOptions.newBuilder().setUsingVirtualThreadsOnActivityWorker(true)
        .setActivityTaskPollersBehavior(POLLERS);
    if (createsPerSecond > 0) {
      creates.setMaxTaskQueueActivitiesPerSecond(createsPerSecond * SERVER_PACING_HEADROOM);
    }
    factory.newWorker(MachineActivities.createQueue(taskQueue), creates.build())
        .registerActivitiesImplementations(machines);
    return worker;
  }
}
