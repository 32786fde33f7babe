package dev.lambdo.worker;

import dev.lambdo.workflow.MachineActivities;
import dev.lambdo.workflow.MessageActivities;
import dev.lambdo.workflow.SlotActivities;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerOptions;

/** Registers the batch and machine-slots workflows and their activities on a task queue. */
public final class LambdoWorker {
  private LambdoWorker() {}

  /**
   * Activities run on virtual threads: awaitExit spends hours blocked on Fly's wait endpoint, and
   * thousands of machines must not cost thousands of platform threads.
   */
  public static Worker register(
      WorkerFactory factory,
      String taskQueue,
      int maxConcurrentActivities,
      MachineActivities machines,
      MessageActivities messages,
      SlotActivities slots) {
    Worker worker =
        factory.newWorker(
            taskQueue,
            WorkerOptions.newBuilder()
                .setUsingVirtualThreadsOnActivityWorker(true)
                .setMaxConcurrentActivityExecutionSize(maxConcurrentActivities)
                .build());
    worker.registerWorkflowImplementationTypes(BatchWorkflowImpl.class, MachineSlotsImpl.class);
    worker.registerActivitiesImplementations(machines, messages, slots);
    return worker;
  }
}
