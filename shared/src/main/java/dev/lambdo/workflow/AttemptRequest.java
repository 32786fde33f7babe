package dev.lambdo.workflow;

import java.util.List;

/**
 * What one attempt's machine runs.
 *
 * @param messageIds the events of the batch this attempt runs, in the batch's order; null for
 *     all of them (an attempt after a partial failure runs only the events that failed)
 */
public record AttemptRequest(int attempt, List<String> messageIds) {
  public AttemptRequest {
    messageIds = messageIds == null ? null : List.copyOf(messageIds);
  }

  public static AttemptRequest all(int attempt) {
    return new AttemptRequest(attempt, null);
  }
}
