package dev.lambdo.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import dev.lambdo.config.PollerConfig;
import dev.lambdo.sqs.SqsQueue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/** What the receive loop counts: what came in, what could not run and why, and how old the queue's messages were. */
@SuppressWarnings("unchecked") // Mockito matchers for the SDK's Consumer<Builder> overloads
class PollerMetricsTest {
  private final SqsClient sdk = mock(SqsClient.class);
  private final BatchStarter starter = mock(BatchStarter.class);
  private final RunningBatches running = RunningBatchesMocks.mockCount();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private Poller poller(String... settings) {
    Map<String, String> env = new HashMap<>(Map.of("LAMBDO_SQS_QUEUE_URL", "http://q", "LAMBDO_MAX_CONCURRENT_MACHINES", "4"));
    for (int i = 0; i < settings.length; i += 2) {
      env.put(settings[i], settings[i + 1]);
    }
    PollerConfig config = PollerConfig.fromEnv(env);
    return new Poller(config, new SqsQueue(sdk), starter, running, new PollerMetrics(registry, config));
  }

  private double counter(String name, String... tags) {
    var found = registry.find(name).tags(tags).counter();
    return found == null ? 0 : found.count();
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  private static Message sentSecondsAgo(String id, String image, long seconds) {
    Message m = SqsMocks.message(id, "{}", image);
    return m.toBuilder().attributes(Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1",
        MessageSystemAttributeName.SENT_TIMESTAMP, Long.toString(System.currentTimeMillis() - seconds * 1000))).build();
  }

  @Test
  void countsWhatCameInAndWhatCouldNotRunByKindWithADlq() {
    SqsMocks.receive(sdk, SqsMocks.message("good", "{}", "img"), SqsMocks.message("no-image", "{}", null),
        SqsMocks.message("not-json", "{oops", "img"), SqsMocks.message("fenced", "{}", "evil:1"));
    when(starter.start(any())).thenReturn(Optional.of("wf"));
    when(sdk.sendMessage(any(SendMessageRequest.class))).thenReturn(SendMessageResponse.builder().build());
    when(sdk.deleteMessageBatch(any(Consumer.class))).thenReturn(DeleteMessageBatchResponse.builder().build());

    poller("LAMBDO_DLQ_URL", "http://dlq", "LAMBDO_ALLOWED_IMAGES", "img").pollOnce();

    assertEquals(4, counter("lambdo.messages.received"));
    assertEquals(1, counter("lambdo.messages.rejected", "reason", "image"));
    assertEquals(1, counter("lambdo.messages.rejected", "reason", "body"));
    assertEquals(1, counter("lambdo.messages.rejected", "reason", "guardrail"));
    assertEquals(0, counter("lambdo.messages.rejected", "reason", "attribute"), "every kind shows from the start");
    assertEquals(3, counter("lambdo.messages.dead.lettered"));
  }

  @Test
  void withoutADlqARejectedMessageIsCountedAtEveryReceiveAndNeverDeadLettered() {
    SqsMocks.receive(sdk, SqsMocks.message("no-image", "{}", null));
    Poller poller = poller();
    poller.pollOnce();
    poller.pollOnce();
    assertEquals(2, counter("lambdo.messages.rejected", "reason", "image"));
    assertEquals(0, counter("lambdo.messages.dead.lettered"));
  }

  @Test
  void aDlqCopyThatFailsIsNotCountedAsDeadLettered() {
    SqsMocks.receive(sdk, SqsMocks.message("no-image", "{}", null));
    when(sdk.sendMessage(any(SendMessageRequest.class))).thenThrow(new IllegalStateException("DLQ unreachable"));
    poller("LAMBDO_DLQ_URL", "http://dlq").pollOnce();
    assertEquals(1, counter("lambdo.messages.rejected", "reason", "image"));
    assertEquals(0, counter("lambdo.messages.dead.lettered"));
  }

  @Test
  void theOldestMessageOfTheLastReceiveGivesTheQueuesAgeAndAnEmptyQueueNone() {
    SqsMocks.receive(sdk, sentSecondsAgo("a", "img", 5), sentSecondsAgo("b", "img", 30));
    when(starter.start(any())).thenReturn(Optional.of("wf"));
    Poller poller = poller();
    poller.pollOnce();
    double age = gauge("lambdo.sqs.oldest.message.age");
    assertTrue(age >= 30 && age < 35, "age " + age);

    SqsMocks.receive(sdk);
    poller.pollOnce();
    assertEquals(0, gauge("lambdo.sqs.oldest.message.age"));
  }

  @Test
  void showsTheRunningBatchesItCountedAgainstTheLimit() {
    SqsMocks.receive(sdk);
    when(running.count()).thenReturn(3);
    poller().pollOnce();
    assertEquals(3, gauge("lambdo.batches.running"));
    assertEquals(4, gauge("lambdo.machine.limit"));
  }

  @Test
  void aRoundThatFailsIsCounted() throws Exception {
    when(running.count()).thenThrow(new IllegalStateException("Temporal UNAVAILABLE"));
    Poller poller = poller();
    Thread loop = Thread.ofVirtual().start(poller);
    try {
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> counter("lambdo.poll.failures") >= 1);
    } finally {
      poller.stop();
      loop.join(5000);
    }
  }
}
