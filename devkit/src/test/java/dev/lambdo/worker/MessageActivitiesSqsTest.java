package dev.lambdo.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lambdo.devkit.sqs.EmbeddedSqs;
import dev.lambdo.sqs.Receipt;
import dev.lambdo.sqs.ReceivedMessage;
import dev.lambdo.sqs.SqsQueue;
import dev.lambdo.workflow.SettleResult;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The settle activities against a real SQS protocol: what a second ack of the same messages reports. */
class MessageActivitiesSqsTest {
  private EmbeddedSqs sqs;
  private String queue;
  private MessageActivitiesImpl activities;

  @BeforeEach
  void start() throws Exception {
    sqs = new EmbeddedSqs(0);
    queue = sqs.createQueues("settle", 30).main();
    activities = new MessageActivitiesImpl(new SqsQueue(sqs.client()));
  }

  @AfterEach
  void stop() {
    sqs.close();
  }

  private List<Receipt> received(int count) {
    for (int i = 0; i < count; i++) {
      int n = i;
      sqs.client().sendMessage(r -> r.queueUrl(queue).messageBody("{\"n\":" + n + "}"));
    }
    List<ReceivedMessage> messages = new SqsQueue(sqs.client()).receive(queue, count, Duration.ofSeconds(1), Duration.ofSeconds(30));
    assertEquals(count, messages.size());
    return messages.stream().map(m -> new Receipt(m.messageId(), m.receiptHandle())).toList();
  }

  @Test
  void anAckOfMessagesDeletedAlreadyReportsThemStaleNotFailed() {
    // As after a workflow reset: the run before the reset deleted these messages.
    List<Receipt> receipts = received(2);
    assertEquals(new SettleResult("ack", 2, List.of(), List.of()), activities.ackMessages(queue, receipts));

    SettleResult again = activities.ackMessages(queue, receipts);

    assertEquals(0, again.settled());
    assertEquals(List.of(), again.failed(), "nothing is left in the queue that this batch should have deleted");
    assertEquals(receipts.stream().map(Receipt::messageId).toList(), again.stale());
    assertEquals(0, sqs.approximateCount(queue));
  }

  @Test
  void releasedMessagesComeBackOnlyAfterTheBatchHadTimeToClose() {
    List<Receipt> receipts = received(1);
    SqsQueue queueClient = new SqsQueue(sqs.client());

    assertEquals(1, activities.releaseMessages(queue, receipts).settled());

    assertEquals(List.of(), queueClient.receive(queue, 1, Duration.ZERO, Duration.ofSeconds(30)),
        "a copy received while the releasing workflow still closes would signal it mid-close");
    assertEquals(1, queueClient.receive(queue, 1, MessageActivitiesImpl.RELEASE_AFTER.plusSeconds(5),
        Duration.ofSeconds(30)).size(), "then it comes back for SQS's retry and redrive");
  }
}
