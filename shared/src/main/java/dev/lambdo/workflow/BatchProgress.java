package dev.lambdo.workflow;

import java.util.List;

/**
 * Where a batch workflow stood when it continued as new to keep its history bounded: the next
 * run picks up the same machine, its deadline and the attempts before it, as if nothing happened.
 *
 * @param attempt the attempt whose machine is running
 * @param machine that attempt's machine, still awaited
 * @param deadlineEpochMs when that machine passes its timeout
 * @param attemptStartMs when that attempt began
 * @param batchStartMs when the batch's first run began
 * @param outcomes the attempts that ended before this one
 * @param runs how many runs came before the next one
 * @param succeeded message ids of events that succeeded in earlier attempts of partly failed
 *     runs, which no later attempt runs again; null in progress written before partial failures
 */
public record BatchProgress(
    int attempt,
    MachineRef machine,
    long deadlineEpochMs,
    long attemptStartMs,
    long batchStartMs,
    List<AttemptOutcome> outcomes,
    int runs,
    List<String> succeeded) {
  public BatchProgress {
    outcomes = List.copyOf(outcomes);
    succeeded = succeeded == null ? List.of() : List.copyOf(succeeded);
  }
}
