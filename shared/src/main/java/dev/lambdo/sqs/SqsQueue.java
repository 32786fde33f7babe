package dev.lambdo.sqs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;

/**
 * The SQS calls Lambdo makes, in its own terms. Batch calls are chunked to SQS's limit of ten
 * entries and report every entry that failed.
 */
public final class SqsQueue {
  /** SQS takes at most ten entries per batch call and ten attributes per message. */
  public static final int MAX_BATCH = 10;

  public static final String ERROR_ATTRIBUTE = "LambdoError";
  /** For calls a scrape waits on: an answer soon or none. */
  static final Duration QUICK_CALL = Duration.ofSeconds(3);

  private final SqsClient sqs;

  public SqsQueue(SqsClient sqs) {
    this.sqs = sqs;
  }

  /** Long-polls for up to {@code max} messages with all their attributes, hidden for {@code visibility}. */
  public List<ReceivedMessage> receive(String queueUrl, int max, Duration wait, Duration visibility) {
    List<Message> messages =
        sqs.receiveMessage(
                r -> r.queueUrl(queueUrl)
                        .maxNumberOfMessages(Math.min(max, MAX_BATCH))
                        .waitTimeSeconds((int) wait.toSeconds())
                        .visibilityTimeout((int) visibility.toSeconds())
                        .messageAttributeNames("All")
                        .messageSystemAttributeNames(
                            MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT,
                            MessageSystemAttributeName.SENT_TIMESTAMP,
                            MessageSystemAttributeName.MESSAGE_GROUP_ID))
            .messages();
    return messages.stream().map(SqsQueue::toReceived).toList();
  }

  /** The queue's approximate counts; the call ends within {@link #QUICK_CALL}. */
  public QueueCounts approximateCounts(String queueUrl) {
    Map<QueueAttributeName, String> attributes = sqs.getQueueAttributes(r -> r.queueUrl(queueUrl)
        .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
            QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED)
        .overrideConfiguration(o -> o.apiCallTimeout(QUICK_CALL))).attributes();
    return new QueueCounts(
        count(attributes, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES),
        count(attributes, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE),
        count(attributes, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED));
  }

  private static long count(Map<QueueAttributeName, String> attributes, QueueAttributeName name) {
    String value = attributes.get(name);
    return value == null ? 0 : Long.parseLong(value);
  }

  public List<EntryFailure> delete(String queueUrl, List<Receipt> receipts) {
    return inChunks(
        receipts,
        chunk -> {
          List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
          chunk.forEach((id, r) -> entries.add(DeleteMessageBatchRequestEntry.builder()
              .id(id).receiptHandle(r.receiptHandle()).build()));
          return sqs.deleteMessageBatch(b -> b.queueUrl(queueUrl).entries(entries)).failed();
        });
  }

  /** Sets how long the messages stay hidden from now on; zero makes them visible at once. */
  public List<EntryFailure> changeVisibility(String queueUrl, List<Receipt> receipts, Duration timeout) {
    return inChunks(
        receipts,
        chunk -> {
          List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
          chunk.forEach((id, r) -> entries.add(ChangeMessageVisibilityBatchRequestEntry.builder()
              .id(id).receiptHandle(r.receiptHandle())
              .visibilityTimeout((int) timeout.toSeconds()).build()));
          return sqs.changeMessageVisibilityBatch(b -> b.queueUrl(queueUrl).entries(entries)).failed();
        });
  }

  /**
   * Copies a message to a dead-letter queue with its attributes and a {@value #ERROR_ATTRIBUTE}
   * attribute holding the reason. Where the message already had ten attributes, the last ones
   * give way and the reason says which.
   */
  public void copyWithReason(String dlqUrl, ReceivedMessage message, String reason) {
    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    List<String> dropped = new ArrayList<>();
    message.attributes().forEach((name, attr) -> {
      if (attributes.size() < MAX_BATCH - 1) {
        attributes.put(name, MessageAttributeValue.builder().dataType(attr.dataType())
            .stringValue(attr.stringValue()).binaryValue(attr.binaryValue()).build());
      } else {
        dropped.add(name);
      }
    });
    String text = dropped.isEmpty() ? reason : reason + " (attributes not copied: " + dropped + ")";
    attributes.put(ERROR_ATTRIBUTE, MessageAttributeValue.builder().dataType("String").stringValue(text).build());
    SendMessageRequest.Builder send =
        SendMessageRequest.builder().queueUrl(dlqUrl).messageBody(message.body().isEmpty() ? " " : message.body())
            .messageAttributes(attributes);
    if (dlqUrl.endsWith(".fifo")) {
      send.messageGroupId("lambdo-rejected").messageDeduplicationId(message.messageId());
    }
    sqs.sendMessage(send.build());
  }

  private static List<EntryFailure> inChunks(
      List<Receipt> receipts,
      Function<Map<String, Receipt>, List<BatchResultErrorEntry>> call) {
    List<EntryFailure> failures = new ArrayList<>();
    for (int from = 0; from < receipts.size(); from += MAX_BATCH) {
      Map<String, Receipt> chunk = new LinkedHashMap<>();
      // Entry ids only need to be unique within one call; message ids may be too long for them.
      List<Receipt> slice = receipts.subList(from, Math.min(receipts.size(), from + MAX_BATCH));
      for (int i = 0; i < slice.size(); i++) {
        chunk.put("e" + i, slice.get(i));
      }
      for (BatchResultErrorEntry error : call.apply(chunk)) {
        Receipt r = chunk.get(error.id());
        failures.add(new EntryFailure(r == null ? error.id() : r.messageId(), error.code(),
            error.message(), Boolean.TRUE.equals(error.senderFault())));
      }
    }
    return failures;
  }

  private static ReceivedMessage toReceived(Message m) {
    Map<String, MessageAttribute> attributes = new HashMap<>();
    m.messageAttributes().forEach((name, value) ->
        attributes.put(name, new MessageAttribute(value.dataType(), value.stringValue(), value.binaryValue())));
    String count = m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
    int receiveCount = count == null ? 1 : Integer.parseInt(count);
    String sent = m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
    long sentAtMs = sent == null ? 0 : Long.parseLong(sent);
    return new ReceivedMessage(m.messageId(), m.receiptHandle(), m.body(), attributes, receiveCount, sentAtMs);
  }
}
