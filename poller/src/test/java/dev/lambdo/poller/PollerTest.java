package dev.lambdo.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import dev.lambdo.config.PollerConfig;
import dev.lambdo.event.Batch;
import dev.lambdo.sqs.SqsQueue;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchResponse;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;
import software.amazon.awssdk.services.sqs.model.SendMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageResponse;

/** The loop against a mocked SDK client; ElasticMQ-backed behaviour is in devkit's integration tests. */
@SuppressWarnings("unchecked") // Mockito matchers for the SDK's Consumer<Builder> overloads
class PollerTest {
  private final SqsClient sdk = mock(SqsClient.class);
  private final BatchStarter starter = mock(BatchStarter.class);
  private final RunningBatches running = RunningBatchesMocks.mockCount();

  private Poller poller(Map<String, String> extra) {
    Map<String, String> env = new java.util.HashMap<>(Map.of("LAMBDO_SQS_QUEUE_URL", "http://q",
        "LAMBDO_SQS_LONG_POLL_SECONDS", "7", "LAMBDO_MAX_CONCURRENT_MACHINES", "2"));
    env.putAll(extra);
    PollerConfig config = PollerConfig.fromEnv(env);
    return new Poller(config, new SqsQueue(sdk), starter, running, new PollerMetrics(new SimpleMeterRegistry(), config));
  }

  private static Message message(String id, String body, String image) {
    return SqsMocks.message(id, body, image);
  }

  private void receive(Message... messages) {
    SqsMocks.receive(sdk, messages);
  }

  @Test
  void longPollsWithAllAttributesAndTheReceiveCount() {
    receive();
    poller(Map.of()).pollOnce();
    ArgumentCaptor<ReceiveMessageRequest> request = ArgumentCaptor.forClass(ReceiveMessageRequest.class);
    verify(sdk).receiveMessage(request.capture());
    assertEquals(7, request.getValue().waitTimeSeconds());
    assertEquals(List.of("All"), request.getValue().messageAttributeNames());
    assertEquals(true, request.getValue().messageSystemAttributeNames().contains(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
    assertEquals(300, request.getValue().visibilityTimeout());
  }

  @Test
  void receivesOnlyWhatTheConcurrencyLimitLeavesRoomFor() {
    receive();
    when(running.count()).thenReturn(1);
    poller(Map.of("LAMBDO_EVENTS_PER_MACHINE", "3")).pollOnce();
    ArgumentCaptor<ReceiveMessageRequest> request = ArgumentCaptor.forClass(ReceiveMessageRequest.class);
    verify(sdk).receiveMessage(request.capture());
    assertEquals(3, request.getValue().maxNumberOfMessages(), "one machine of room, three events per machine");
  }

  @Test
  void stopsReceivingAtTheLimit() {
    receive();
    when(running.count()).thenReturn(2);
    assertEquals(0, poller(Map.of()).pollOnce());
    verify(sdk, never()).receiveMessage(any(ReceiveMessageRequest.class));
  }

  @Test
  void startsNoMoreBatchesThanThereIsRoomForAndKeepsTheRestForTheNextRound() {
    receive(message("a", "{}", "img-a"), message("b", "{}", "img-b"), message("c", "{}", "img-c"));
    when(running.count()).thenReturn(1);
    when(starter.start(any())).thenReturn(Optional.of("wf"));
    Poller poller = poller(Map.of());

    assertEquals(1, poller.pollOnce(), "limit 2, one running: room for one machine");
    assertEquals(1, poller.pollOnce(), "the next round starts a kept batch without receiving");

    ArgumentCaptor<Batch> started = ArgumentCaptor.forClass(Batch.class);
    verify(starter, times(2)).start(started.capture());
    assertEquals(List.of(List.of("a"), List.of("b")), started.getAllValues().stream().map(Batch::messageIds).toList());
    verify(sdk, times(1)).receiveMessage(any(ReceiveMessageRequest.class));
    verify(sdk, never()).changeMessageVisibilityBatch(any(Consumer.class));
  }

  @Test
  void aKeptBatchHeldPastASixthOfItsVisibilityGoesBackToSqsInsteadOfStartingLate() throws Exception {
    receive(message("a", "{}", "img-a"), message("b", "{}", "img-b"));
    when(running.count()).thenReturn(1);
    when(starter.start(any())).thenReturn(Optional.of("wf"));
    when(sdk.changeMessageVisibilityBatch(any(Consumer.class)))
        .thenReturn(ChangeMessageVisibilityBatchResponse.builder().build());
    Poller poller = poller(Map.of("LAMBDO_SQS_VISIBILITY_SECONDS", "12"));
    assertEquals(1, poller.pollOnce(), "one started, one kept");

    when(running.count()).thenReturn(0);
    receive();
    Thread.sleep(2_100); // past 12 s / 6
    assertEquals(0, poller.pollOnce());

    verify(starter, times(1)).start(any());
    verify(sdk).changeMessageVisibilityBatch(any(Consumer.class));
  }

  @Test
  void aReceiveThatWaitedCountsAgainBeforeStarting() {
    receive(message("a", "{}", "img"));
    when(sdk.receiveMessage(any(ReceiveMessageRequest.class))).thenAnswer(i -> {
      Thread.sleep(120);
      return ReceiveMessageResponse.builder().messages(message("a", "{}", "img")).build();
    });
    when(running.count()).thenReturn(0, 20);

    assertEquals(0, poller(Map.of("LAMBDO_MAX_CONCURRENT_MACHINES", "20")).pollOnce(),
        "room for twenty before the wait; another poller filled it during the long poll");
    verify(starter, never()).start(any());
  }

  @Test
  void aFailedCountAfterAReceiveHandsTheMessagesBackSoon() {
    receive(message("a", "{}", "img"));
    when(running.count()).thenReturn(1).thenThrow(new IllegalStateException("UNAVAILABLE"));
    when(sdk.changeMessageVisibilityBatch(any(Consumer.class)))
        .thenReturn(ChangeMessageVisibilityBatchResponse.builder().build());

    assertThrows(IllegalStateException.class, () -> poller(Map.of()).pollOnce());

    verify(starter, never()).start(any());
    verify(sdk).changeMessageVisibilityBatch(any(Consumer.class));
  }

  @Test
  void aStopEndsThePauseAfterAFailedRoundAtOnce() throws Exception {
    when(running.count()).thenThrow(new IllegalStateException("UNAVAILABLE"));
    Poller poller = poller(Map.of());
    Thread loop = Thread.ofPlatform().start(poller);
    // The second round failed: the loop now pauses 2 s, the backoff's second step.
    verify(running, timeout(5_000).times(2)).count();

    poller.stop();
    loop.join(1_000);

    assertFalse(loop.isAlive(), "a stop must not wait out the backoff (up to a minute while Temporal is down)");
  }

  @Test
  @Timeout(30)
  void aLoopEndedByAnErrorIsAFailureTheProcessIsTold() throws Exception {
    // Errors pass the loop's catch of RuntimeException: the loop ends, and the process must know.
    when(running.count()).thenThrow(new OutOfMemoryError("test heap"));
    AtomicReference<Throwable> told = new AtomicReference<>();
    PollerThread loop = PollerThread.start(poller(Map.of()), told::set);
    loop.join();

    assertEquals("test heap", loop.failure().orElseThrow().getMessage());
    assertEquals("test heap", told.get().getMessage());
  }

  @Test
  void aLoopEndedByAStopIsNoFailure() {
    when(running.count()).thenReturn(2); // at the limit: the loop pauses and counts again
    AtomicReference<Throwable> told = new AtomicReference<>();
    PollerThread loop = PollerThread.start(poller(Map.of()), told::set);
    verify(running, timeout(5_000)).count();

    assertTrue(loop.stop(Duration.ofSeconds(5)));
    assertTrue(loop.failure().isEmpty());
    assertNull(told.get());
  }

  @Test
  void aBadMessageNeverHoldsBackTheGoodOnes() {
    receive(message("good1", "{}", "img"), message("bad", "{not json", "img"), message("good2", "[]", "img"));
    when(starter.start(any())).thenReturn(Optional.of("wf"));
    assertEquals(1, poller(Map.of()).pollOnce());
    ArgumentCaptor<Batch> batch = ArgumentCaptor.forClass(Batch.class);
    verify(starter).start(batch.capture());
    assertEquals(List.of("good1", "good2"), batch.getValue().messageIds());
    verify(sdk, never()).deleteMessageBatch(any(DeleteMessageBatchRequest.class));
  }

  @Test
  void withADlqABadMessageIsCopiedWithItsReasonThenDeleted() {
    receive(message("bad", "{}", null));
    when(sdk.sendMessage(any(SendMessageRequest.class))).thenReturn(SendMessageResponse.builder().build());
    when(sdk.deleteMessageBatch(any(Consumer.class))).thenReturn(DeleteMessageBatchResponse.builder().build());
    poller(Map.of("LAMBDO_DLQ_URL", "http://dlq")).pollOnce();
    ArgumentCaptor<SendMessageRequest> copy = ArgumentCaptor.forClass(SendMessageRequest.class);
    verify(sdk).sendMessage(copy.capture());
    assertEquals("http://dlq", copy.getValue().queueUrl());
    assertEquals("{}", copy.getValue().messageBody());
    assertEquals(true, copy.getValue().messageAttributes().get("LambdoError").stringValue().contains("'image' is required"));
    verify(sdk).deleteMessageBatch(any(Consumer.class));
  }

  @Test
  void aDlqCopyThatFailsHoldsBackNoOtherMessage() {
    receive(message("bad", "{}", null), message("good", "{}", "img"));
    when(sdk.sendMessage(any(SendMessageRequest.class))).thenThrow(new IllegalStateException("DLQ unreachable"));
    when(starter.start(any())).thenReturn(Optional.of("wf"));

    assertEquals(1, poller(Map.of("LAMBDO_DLQ_URL", "http://dlq")).pollOnce());

    ArgumentCaptor<Batch> batch = ArgumentCaptor.forClass(Batch.class);
    verify(starter).start(batch.capture());
    assertEquals(List.of("good"), batch.getValue().messageIds());
    verify(sdk, never()).deleteMessageBatch(any(Consumer.class)); // not copied, so not deleted
  }

  @Test
  void aMessageBeyondAGuardrailIsRejectedLikeABadOne() {
    receive(message("fenced", "{}", "evil/miner:1"), message("good", "{}", "alpine:3"));
    when(starter.start(any())).thenReturn(Optional.of("wf"));
    when(sdk.sendMessage(any(SendMessageRequest.class))).thenReturn(SendMessageResponse.builder().build());
    when(sdk.deleteMessageBatch(any(Consumer.class))).thenReturn(DeleteMessageBatchResponse.builder().build());

    poller(Map.of("LAMBDO_DLQ_URL", "http://dlq", "LAMBDO_ALLOWED_IMAGES", "alpine:3")).pollOnce();

    ArgumentCaptor<SendMessageRequest> copy = ArgumentCaptor.forClass(SendMessageRequest.class);
    verify(sdk).sendMessage(copy.capture());
    assertEquals("image 'evil/miner:1' is not allowed here (LAMBDO_ALLOWED_IMAGES: alpine:3)",
        copy.getValue().messageAttributes().get("LambdoError").stringValue());
    ArgumentCaptor<Batch> batch = ArgumentCaptor.forClass(Batch.class);
    verify(starter).start(batch.capture());
    assertEquals(List.of("good"), batch.getValue().messageIds());
  }

  @Test
  void whenTemporalIsDownTheMessagesGoBackToSqs() {
    receive(message("m1", "{}", "img"));
    when(starter.start(any())).thenThrow(new IllegalStateException("UNAVAILABLE"));
    when(sdk.changeMessageVisibilityBatch(any(Consumer.class)))
        .thenReturn(ChangeMessageVisibilityBatchResponse.builder().build());
    // run() backs off on the exception; the messages are back in SQS before it does.
    assertThrows(IllegalStateException.class, () -> poller(Map.of()).pollOnce());
    verify(sdk).changeMessageVisibilityBatch(any(Consumer.class));
  }

  @Test
  void aRedeliveredMessageOfAKnownBatchStartsNothing() {
    Message again = message("m1", "{}", "img").toBuilder()
        .attributes(Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "2")).build();
    receive(again);
    when(starter.workflowOf("m1")).thenReturn(Optional.of("lambdo-known"));
    when(starter.alreadyKnown(any(), any(), any())).thenReturn(true);
    assertEquals(0, poller(Map.of()).pollOnce());
    verify(starter).alreadyKnown(any(), any(), any());
    verify(starter, never()).start(any());
  }

  @Test
  void aReleasedMessageOfAFailedBatchRunsAgain() {
    Message again = message("m1", "{}", "img").toBuilder()
        .attributes(Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "2")).build();
    receive(again);
    when(starter.workflowOf("m1")).thenReturn(Optional.of("lambdo-failed"));
    when(starter.alreadyKnown(any(), any(), any())).thenReturn(false);
    when(starter.start(any())).thenReturn(Optional.of("lambdo-failed"));
    assertEquals(1, poller(Map.of("LAMBDO_ON_FAILURE", "release")).pollOnce());
    verify(starter).start(any());
  }

  @Test
  void backoffDoublesUpToItsCapAndResets() {
    Backoff backoff = new Backoff(java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(5));
    assertEquals(List.of(1L, 2L, 4L, 5L, 5L), java.util.stream.Stream.generate(backoff::next).limit(5).map(java.time.Duration::toSeconds).toList());
    backoff.reset();
    assertEquals(1, backoff.next().toSeconds());
  }
}
