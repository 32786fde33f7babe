package dev.lambdo.sqs;

import java.util.Objects;

/** What SQS needs to delete a message or change its visibility: its latest receipt handle. */
public record Receipt(String messageId, String receiptHandle) {
  public Receipt {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(receiptHandle, "receiptHandle");
  }
}
