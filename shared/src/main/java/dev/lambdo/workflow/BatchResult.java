package dev.lambdo.workflow;

import java.util.List;

/**
 * The record of a batch: what ran where, how it ended, and what it printed. Also the details of
 * the failure when the last attempt failed.
 */
public record BatchResult(
    String image,
    String machineId,
    ExitStatus exit,
    long durationMs,
    int attempts,
    List<AttemptOutcome> history,
    LogTail logTail,
    SettleResult messages) {
  public BatchResult {
    history = List.copyOf(history);
  }
}
