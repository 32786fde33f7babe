package dev.lambdo.event;

import java.util.Objects;

/**
 * One SQS message that will run.
 *
 * @param receiptHandle the latest handle known for the message; deletes need the newest one
 * @param body the message body as sent: one JSON value, kept byte for byte
 * @param sentAtMs when SQS took the message (its {@code SentTimestamp}), unix milliseconds, for
 *     the time from send to machine start; 0 when unknown, as in batches started before it was kept
 */
public record QueuedEvent(String messageId, String receiptHandle, String body, int receiveCount, long sentAtMs) {
  public QueuedEvent {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(receiptHandle, "receiptHandle");
    Objects.requireNonNull(body, "body");
  }

  /** An event whose send time is not known. */
  public QueuedEvent(String messageId, String receiptHandle, String body, int receiveCount) {
    this(messageId, receiptHandle, body, receiveCount, 0);
  }

  public QueuedEvent withReceiptHandle(String handle) {
    return new QueuedEvent(messageId, handle, body, receiveCount, sentAtMs);
  }
}
