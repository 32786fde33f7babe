package dev.lambdo.workflow;

import java.util.List;

/**
 * The record of a batch: what ran where, how it ended, and what it printed. Also the details of
 * the failure when the last attempt failed.
 *
 * @param succeededMessages message ids of the events that succeeded (all of them when the batch
 *     did; with a runtime that reports each event, those that did in any attempt); null in results
 *     written before events were told apart
 * @param failedMessages the others
 */
public record BatchResult(
    String image,
    String machineId,
    ExitStatus exit,
    long durationMs,
    int attempts,
    List<AttemptOutcome> history,
    LogTail logTail,
    SettleResult messages,
    List<String> succeededMessages,
    List<String> failedMessages) {
  public BatchResult {
    history = List.copyOf(history);
    succeededMessages = succeededMessages == null ? null : List.copyOf(succeededMessages);
    failedMessages = failedMessages == null ? null : List.copyOf(failedMessages);
  }
}
