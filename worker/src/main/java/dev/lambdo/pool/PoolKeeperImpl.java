package dev.lambdo.pool;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;

public final class PoolKeeperImpl implements PoolKeeper {
  /** A round that cannot finish is moot: the schedule starts the next one soon. */
  private final PoolUpkeep upkeep = Workflow.newActivityStub(PoolUpkeep.class,
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofMinutes(1))
          .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(2).build())
          .setSummary("top the warm pools up, destroy machines idle too long")
          .build());

  @Override
  public List<PoolReport> keep() {
    return upkeep.keepPools();
  }
}
