package dev.lambdo.reaper;

import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.schedules.Schedule;
import io.temporal.client.schedules.ScheduleActionStartWorkflow;
import io.temporal.client.schedules.ScheduleAlreadyRunningException;
import io.temporal.client.schedules.ScheduleClient;
import io.temporal.client.schedules.ScheduleClientOptions;
import io.temporal.client.schedules.ScheduleException;
import io.temporal.client.schedules.ScheduleIntervalSpec;
import io.temporal.client.schedules.ScheduleOptions;
import io.temporal.client.schedules.SchedulePolicy;
import io.temporal.client.schedules.ScheduleSpec;
import io.temporal.api.enums.v1.ScheduleOverlapPolicy;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Temporal Schedule that sweeps for orphaned machines every {@link #INTERVAL}, one per task
 * queue. The server runs it, so it needs no singleton of ours and survives any worker; every
 * worker makes sure it exists at start, and the first one wins.
 */
public final class ReaperSchedule {
  /** How long a machine may outlive its workflow; one Fly List call per sweep. */
  public static final Duration INTERVAL = Duration.ofMinutes(5);
  private static final Logger log = LoggerFactory.getLogger(ReaperSchedule.class);

  private ReaperSchedule() {}

  public static String id(String taskQueue) {
    return "lambdo-machine-reaper-" + taskQueue;
  }

  public static ScheduleClient client(WorkflowClient temporal) {
    return ScheduleClient.newInstance(temporal.getWorkflowServiceStubs(), ScheduleClientOptions.newBuilder()
        .setNamespace(temporal.getOptions().getNamespace())
        .setDataConverter(temporal.getOptions().getDataConverter())
        .build());
  }

  /** Creates the schedule unless it exists; a server without schedules is logged, not fatal. */
  public static void ensure(WorkflowClient temporal, String taskQueue) {
    ensure(temporal, id(taskQueue), MachineReaper.class, taskQueue, INTERVAL,
        "destroys Fly machines whose batch workflow is closed",
        "machines whose workflow was terminated are not destroyed until it exists");
  }

  /**
   * Creates a schedule that starts {@code workflow} every {@code interval}, skipping a start while
   * the last run is still going, unless one with {@code id} exists.
   *
   * @param withoutIt what is not done while the schedule cannot be created, for the error logged
   */
  public static void ensure(WorkflowClient temporal, String id, Class<?> workflow, String taskQueue,
      Duration interval, String purpose, String withoutIt) {
    Schedule schedule = Schedule.newBuilder()
        .setAction(ScheduleActionStartWorkflow.newBuilder()
            .setWorkflowType(workflow)
            .setOptions(WorkflowOptions.newBuilder().setWorkflowId(id).setTaskQueue(taskQueue).build())
            .build())
        .setSpec(ScheduleSpec.newBuilder().setIntervals(List.of(new ScheduleIntervalSpec(interval))).build())
        .setPolicy(SchedulePolicy.newBuilder().setOverlap(ScheduleOverlapPolicy.SCHEDULE_OVERLAP_POLICY_SKIP).build())
        .build();
    try {
      client(temporal).createSchedule(id, schedule, ScheduleOptions.newBuilder()
          .setMemo(java.util.Map.of("purpose", purpose))
          .build());
      log.info("created schedule {} every {} s: {}", id, interval.toSeconds(), purpose);
    } catch (ScheduleAlreadyRunningException e) {
      log.debug("schedule {} exists", id);
    } catch (ScheduleException | StatusRuntimeException e) {
      Throwable reason = e.getCause() == null ? e : e.getCause();
      log.error("could not create schedule {} ({}): {}", id, reason.getMessage(), withoutIt);
    }
  }
}
