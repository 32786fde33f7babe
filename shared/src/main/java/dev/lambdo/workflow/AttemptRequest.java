package dev.lambdo.workflow;

import java.util.List;

/**
 * What one attempt's machine runs.
 *
 * @param messageIds the events of the batch this attempt runs, in the batch's order; null for
 *     all of them (an attempt after a partial failure runs only the events that failed)
 * @param pool the key of the warm pool whose shape the batch has: its machine is taken from the
 *     pool, or made for it while the pool has room; null when the batch's shape has no pool
 * @param lookFirst the create looks for a machine made or claimed for this attempt before it
 *     makes one, from its first try: a claim that failed for good may have taken one before its
 *     answer was lost, and that machine runs the events already
 */
public record AttemptRequest(int attempt, List<String> messageIds, String pool, boolean lookFirst) {
  public AttemptRequest {
    messageIds = messageIds == null ? null : List.copyOf(messageIds);
  }

  public AttemptRequest(int attempt, List<String> messageIds, String pool) {
    this(attempt, messageIds, pool, false);
  }

  public AttemptRequest(int attempt, List<String> messageIds) {
    this(attempt, messageIds, null);
  }

  public static AttemptRequest all(int attempt) {
    return new AttemptRequest(attempt, null);
  }
}
