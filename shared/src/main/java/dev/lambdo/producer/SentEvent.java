package dev.lambdo.producer;

import dev.lambdo.workflow.LambdoSearchAttributes;

/** An event SQS took: its message id, and how to find the batch workflow it runs in. */
public record SentEvent(String messageId, String queueUrl) {
  /**
   * The visibility query (Web UI, {@code temporal workflow list --query}) that finds the batch
   * this event runs in once a poller started it. A batch's workflow id comes from all its
   * messages' ids, so it is known only then.
   */
  public String batchQuery() {
    return LambdoSearchAttributes.queryForMessage(messageId);
  }
}
