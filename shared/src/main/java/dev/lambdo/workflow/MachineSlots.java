package dev.lambdo.workflow;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Legacy, kept only so batches started by earlier pollers can finish: the machine limit now lives
 * in the pollers (see {@code MachineLimit}). A semaphore for machines, one per task queue: a batch workflow asks for a slot before it
 * creates a machine and gives it back when its last machine is gone, so at most {@code limit}
 * machines live at once however many pollers start batches.
 */
@WorkflowInterface
public interface MachineSlots {
  @WorkflowMethod
  void run(SlotsState state);

  /** A batch wants a slot; it is told by {@link BatchWorkflow#slotGranted()}. Idempotent. */
  @SignalMethod
  void acquire(String batchWorkflowId);

  @SignalMethod
  void release(String batchWorkflowId);

  @SignalMethod
  void setLimit(int limit);

  /** The id of the slots workflow serving a task queue. */
  static String workflowId(String taskQueue) {
    return "lambdo-machine-slots-" + taskQueue;
  }
}
