package dev.lambdo.reaper;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;

public final class MachineReaperImpl implements MachineReaper {
  /** A sweep that cannot finish is moot: the schedule starts the next one soon. */
  private final OrphanedMachines orphans = Workflow.newActivityStub(OrphanedMachines.class,
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(4))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(3).build())
          .setSummary("destroy machines whose workflow is closed")
          .build());

  @Override
  public ReapResult sweep() {
    return orphans.destroyOrphans();
  }
}
