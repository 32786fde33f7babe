package dev.lambdo.worker;

/**
 * Which task queue a batch schedules its machine creates on, from the worker's {@code
 * LAMBDO_FLY_CREATES_PER_SECOND}.
 */
public enum CreateRoute {
  /**
   * The create queue beside the batch's ({@link dev.lambdo.workflow.MachineActivities#createQueue}),
   * which the server paces across every worker to Fly's per-app create rate.
   */
  PACED,
  /**
   * The batch's own queue: the server hands the create back with the completion of the workflow
   * task that scheduled it (eager activity dispatch, measured 35 ms sooner than a dispatch
   * through the create queue), and the worker starts it at once. Nothing then paces creates
   * across workers, so only for an app whose create rate Fly does not limit.
   */
  UNPACED;

  public static CreateRoute forRate(double createsPerSecond) {
    return createsPerSecond > 0 ? PACED : UNPACED;
  }
}
