package dev.lambdo.event;

import java.util.Objects;

/**
 * One SQS message that will run.
 *
 * @param receiptHandle the latest handle known for the message; deletes need the newest one
 * @param body the message body as sent: one JSON value, kept byte for byte
 */
public record QueuedEvent(String messageId, String receiptHandle, String body, int receiveCount) {
  public QueuedEvent {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(receiptHandle, "receiptHandle");
    Objects.requireNonNull(body, "body");
  }

  public QueuedEvent withReceiptHandle(String handle) {
    return new QueuedEvent(messageId, handle, body, receiveCount);
  }
}
