package dev.lambdo.workflow;

import java.util.List;

/**
 * What became of a batch's messages.
 *
 * @param action "ack" or "release"
 * @param failed entries SQS refused for good, with its reason
 * @param stale ids of messages whose receipt handle SQS no longer takes: the message was deleted
 *     already (by the run before a workflow reset, say) or received again since, and then the
 *     poller deletes or hands back the new copy when it sees this batch finished. Not a loss,
 *     so not among {@code failed}; histories written before this field read it as empty.
 */
public record SettleResult(String action, int settled, List<String> failed, List<String> stale) {
  public SettleResult {
    failed = List.copyOf(failed);
    stale = stale == null ? List.of() : List.copyOf(stale);
  }

  public SettleResult(String action, int settled, List<String> failed) {
    this(action, settled, failed, List.of());
  }
}
