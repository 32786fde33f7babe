package dev.lambdo.workflow;

import java.util.List;

/**
 * What became of a batch's messages.
 *
 * @param action "ack" or "release"
 * @param failed entries SQS refused for good, with its reason (a stale receipt handle, say)
 */
public record SettleResult(String action, int settled, List<String> failed) {
  public SettleResult {
    failed = List.copyOf(failed);
  }
}
