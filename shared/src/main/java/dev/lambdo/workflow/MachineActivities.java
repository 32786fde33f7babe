package dev.lambdo.workflow;

import dev.lambdo.event.Batch;
import io.temporal.activity.ActivityInterface;

/** One machine's life on Fly, step by step. */
@ActivityInterface
public interface MachineActivities {
  /**
   * The task queue creates run on, beside the batch's own: the Temporal server paces its tasks
   * across all workers, and each worker its own creates, by {@code LAMBDO_FLY_CREATES_PER_SECOND},
   * as Fly counts creates per app.
   */
  static String createQueue(String taskQueue) {
    return taskQueue + "-creates";
  }

  /**
   * Legacy: batches scheduled their creates with the whole batch as input before the events were
   * read from the run's input ({@link #createAttemptMachine}). Kept for creates scheduled then.
   */
  MachineRef createMachine(Batch batch, int attempt);

  /**
   * Creates and starts the machine for this attempt of the calling workflow run, with the events
   * the request names, or finds the one an earlier try made. The batch (events, spec) is read from the run's input in its history: the
   * events are in history once per run, not once more per attempt.
   */
  MachineRef createAttemptMachine(AttemptRequest request);

  /** Waits for the machine to stop, heartbeating; stops it when the spec's timeout passes. */
  ExitStatus awaitExit(AwaitExitRequest request);

  /** The tail of the machine's output, once the init's exit line shows or a grace period passes. */
  LogTail fetchLogs(MachineRef machine);

  /** Destroys the machine; a machine that is already gone is fine. */
  void destroyMachine(MachineRef machine);
}
