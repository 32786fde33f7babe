package dev.lambdo.reaper;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** One sweep for machines that outlived their batch; started by {@link ReaperSchedule}. */
@WorkflowInterface
public interface MachineReaper {
  @WorkflowMethod
  ReapResult sweep();
}
