package dev.lambdo.pool;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** One round of upkeep of the warm pools; started by {@link PoolKeeperSchedule}. */
@WorkflowInterface
public interface PoolKeeper {
  @WorkflowMethod
  java.util.List<PoolReport> keep();
}
