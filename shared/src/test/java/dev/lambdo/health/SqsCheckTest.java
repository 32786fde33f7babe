package dev.lambdo.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.Mockito;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.ListQueuesRequest;
import software.amazon.awssdk.services.sqs.model.ListQueuesResponse;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

@SuppressWarnings("unchecked") // Mockito matchers for the SDK's Consumer<Builder> overloads
class SqsCheckTest {
  private static final String QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/lambdo";
  private final SqsClient sqs = mock(SqsClient.class);

  private static SqsException refused(int status, String code) {
    return (SqsException) SqsException.builder().statusCode(status).message("refused")
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage("the request was refused").build())
        .build();
  }

  @Test
  void thePollersQueueAnswersItsAttributes() {
    when(sqs.getQueueAttributes(any(Consumer.class))).thenReturn(GetQueueAttributesResponse.builder().build());
    assertEquals(CheckResult.ok("queue " + QUEUE), SqsCheck.forQueue(sqs, QUEUE).check());
    ArgumentCaptor<Consumer<GetQueueAttributesRequest.Builder>> request = ArgumentCaptor.forClass(Consumer.class);
    Mockito.verify(sqs).getQueueAttributes(request.capture());
    GetQueueAttributesRequest.Builder built = GetQueueAttributesRequest.builder();
    request.getValue().accept(built);
    assertEquals(QUEUE, built.build().queueUrl());
    assertTrue(built.build().overrideConfiguration().orElseThrow().apiCallTimeout().isPresent(), "bounded");
  }

  @Test
  void aQueueThatIsNotThereFails() {
    when(sqs.getQueueAttributes(any(Consumer.class))).thenThrow(QueueDoesNotExistException.builder().build());
    assertEquals(CheckResult.failed("queue " + QUEUE + " does not exist"), SqsCheck.forQueue(sqs, QUEUE).check());
  }

  @Test
  void refusedCredentialsFail() {
    when(sqs.getQueueAttributes(any(Consumer.class))).thenThrow(refused(403, "InvalidClientTokenId"));
    assertEquals(CheckResult.failed("credentials refused (InvalidClientTokenId)"), SqsCheck.forQueue(sqs, QUEUE).check());
    when(sqs.listQueues(any(Consumer.class))).thenThrow(refused(400, "SignatureDoesNotMatch"));
    assertEquals(CheckResult.failed("credentials refused (SignatureDoesNotMatch)"), SqsCheck.forService(sqs).check());
  }

  @Test
  void thePollerMustBeAllowedToReadItsQueue() {
    when(sqs.getQueueAttributes(any(Consumer.class))).thenThrow(refused(403, "AccessDenied"));
    CheckResult result = SqsCheck.forQueue(sqs, QUEUE).check();
    assertFalse(result.ok());
    assertTrue(result.detail().startsWith("not allowed to read the queue (AccessDenied)"), result.detail());
  }

  /** The worker's keys may do no more than delete and hide messages: a denial proves they are accepted. */
  @Test
  void theWorkerOnlyNeedsSqsToAnswerAndTakeItsCredentials() {
    when(sqs.listQueues(any(Consumer.class))).thenReturn(ListQueuesResponse.builder().build());
    assertEquals(CheckResult.ok("answers, credentials accepted"), SqsCheck.forService(sqs).check());
    Mockito.reset(sqs);
    when(sqs.listQueues(any(Consumer.class))).thenThrow(refused(403, "AccessDenied"));
    assertEquals(CheckResult.ok("answers, credentials accepted"), SqsCheck.forService(sqs).check());
    ArgumentCaptor<Consumer<ListQueuesRequest.Builder>> request = ArgumentCaptor.forClass(Consumer.class);
    Mockito.verify(sqs).listQueues(request.capture());
    ListQueuesRequest.Builder built = ListQueuesRequest.builder();
    request.getValue().accept(built);
    assertEquals(1, built.build().maxResults());
  }

  @Test
  void noAnswerFails() {
    when(sqs.listQueues(any(Consumer.class))).thenThrow(SdkClientException.create("Unable to execute HTTP request: Connection refused"));
    assertEquals(CheckResult.failed("unreachable: Unable to execute HTTP request: Connection refused"),
        SqsCheck.forService(sqs).check());
  }
}
