package dev.lambdo.sqs;

import java.util.Map;
import java.util.Objects;

/**
 * A message as received from SQS, in the terms the poller needs.
 *
 * @param sentAtMs when SQS took it ({@code SentTimestamp}), unix milliseconds; 0 when not known
 */
public record ReceivedMessage(
    String messageId,
    String receiptHandle,
    String body,
    Map<String, MessageAttribute> attributes,
    int receiveCount,
    long sentAtMs) {
  public ReceivedMessage {
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(receiptHandle, "receiptHandle");
    body = body == null ? "" : body;
    attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
  }

  /** A message whose send time is not known. */
  public ReceivedMessage(String messageId, String receiptHandle, String body,
      Map<String, MessageAttribute> attributes, int receiveCount) {
    this(messageId, receiptHandle, body, attributes, receiveCount, 0);
  }

  public Receipt receipt() {
    return new Receipt(messageId, receiptHandle);
  }
}
