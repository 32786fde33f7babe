package dev.lambdo.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.lambdo.sqs.SqsQueue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

@SuppressWarnings("unchecked") // Mockito matchers for the SDK's Consumer<Builder> overloads
class QueueBacklogTest {
  private final SqsClient sdk = mock(SqsClient.class);
  private final AtomicLong now = new AtomicLong();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private double messages(String state) {
    return registry.get("lambdo.sqs.messages").tag("state", state).gauge().value();
  }

  private void queueHolds(int visible, int inFlight, int delayed) {
    when(sdk.getQueueAttributes(any(Consumer.class))).thenReturn(GetQueueAttributesResponse.builder().attributes(Map.of(
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, Integer.toString(visible),
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE, Integer.toString(inFlight),
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED, Integer.toString(delayed))).build());
  }

  @Test
  void showsWhatWaitsInTheQueueWhatIsInFlightAndWhatIsDelayed() {
    queueHolds(120, 30, 2);
    new QueueBacklog(new SqsQueue(sdk), "http://q", Duration.ofSeconds(10), now::get).bindTo(registry);
    assertEquals(120, messages("visible"));
    assertEquals(30, messages("in_flight"));
    assertEquals(2, messages("delayed"));
  }

  /** Micrometer holds a gauge's object weakly: the poller keeps no other reference to it. */
  @Test
  void keepsCountingAfterTheCollectorRan() {
    queueHolds(7, 0, 0);
    new QueueBacklog(new SqsQueue(sdk), "http://q", Duration.ofSeconds(10), now::get).bindTo(registry);
    for (int i = 0; i < 5; i++) {
      System.gc();
    }
    assertEquals(7, messages("visible"));
  }

  @Test
  void asksSqsAtMostOncePerIntervalHoweverOftenItIsScraped() {
    queueHolds(1, 0, 0);
    new QueueBacklog(new SqsQueue(sdk), "http://q", Duration.ofSeconds(10), now::get).bindTo(registry);
    messages("visible");
    messages("in_flight");
    now.addAndGet(Duration.ofSeconds(9).toNanos());
    messages("visible");
    verify(sdk, times(1)).getQueueAttributes(any(Consumer.class));
    now.addAndGet(Duration.ofSeconds(2).toNanos());
    messages("visible");
    verify(sdk, times(2)).getQueueAttributes(any(Consumer.class));
  }

  @Test
  void unknownWhileSqsDoesNotAnswer() {
    when(sdk.getQueueAttributes(any(Consumer.class))).thenThrow(SdkClientException.create("Connection refused"));
    new QueueBacklog(new SqsQueue(sdk), "http://q", Duration.ofSeconds(10), now::get).bindTo(registry);
    assertTrue(Double.isNaN(messages("visible")));
  }
}
