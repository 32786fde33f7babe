package dev.lambdo.sqs;

import java.util.Map;
import java.util.Objects;

/** A message as received from SQS, in the terms the poller needs. */
public record ReceivedMessage(
    String messageId,
    String receiptHandle,
    String body,
    Map<String, MessageAttribute> attributes,
    int receiveCount) {
  public ReceivedMessage {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(receiptHandle, "receiptHandle");
    body = body == null ? "" : body;
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  public Receipt receipt() {
    return new Receipt(messageId, receiptHandle);
  }
}
