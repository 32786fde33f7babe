package dev.lambdo.workflow;

import java.util.List;

/**
 * One attempt of a batch: the machine it ran on and how it ended.
 *
 * @param failedMessages when the machine's runtime reported that only some of its events failed
 *     ({@link EventReport}), their message ids; null when the run was all-or-nothing
 */
public record AttemptOutcome(
    int attempt, String machineId, String region, ExitStatus exit, long durationMs, List<String> failedMessages) {
  public AttemptOutcome(int attempt, String machineId, String region, ExitStatus exit, long durationMs) {
    this(attempt, machineId, region, exit, durationMs, null);
  }

  public AttemptOutcome {
    failedMessages = failedMessages == null ? null : List.copyOf(failedMessages);
  }
}
