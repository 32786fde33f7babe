package dev.lambdo.workflow;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** Lets the slots workflow take back slots whose batch ended without giving them back (terminated, say). */
@ActivityInterface
public interface SlotActivities {
  /** Those of the given workflows that are no longer running. */
  List<String> closedWorkflows(List<String> workflowIds);
}
