package dev.lambdo.health;

import java.util.Set;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * SQS, with the app's AWS credentials. The poller reads its queue's attributes: not ready when
 * the queue is not there or its keys may not read it. The worker has no queue of its own (each
 * batch names its own): it asks for one queue URL and is ready when SQS answers and takes its
 * credentials, even if its keys may not list queues.
 */
public final class SqsCheck implements DependencyCheck {
  /** What SQS answers when it does not take the credentials: unknown, wrongly signed, expired. */
  private static final Set<String> REFUSED = Set.of("InvalidClientTokenId", "UnrecognizedClientException",
      "SignatureDoesNotMatch", "InvalidSignatureException", "IncompleteSignature", "ExpiredToken",
      "ExpiredTokenException", "InvalidAccessKeyId", "MissingAuthenticationToken", "InvalidSecurity");
  private static final AwsRequestOverrideConfiguration BOUNDED =
      AwsRequestOverrideConfiguration.builder().apiCallTimeout(Readiness.TIMEOUT).build();

  private final SqsClient sqs;
  private final String queueUrl;

  private SqsCheck(SqsClient sqs, String queueUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  /** The poller's: {@code GetQueueAttributes} on its queue. */
  public static SqsCheck forQueue(SqsClient sqs, String queueUrl) {
    return new SqsCheck(sqs, queueUrl);
  }

  /** The worker's: {@code ListQueues} for one URL, where a denial still proves the credentials good. */
  public static SqsCheck forService(SqsClient sqs) {
    return new SqsCheck(sqs, null);
  }

  @Override
  public CheckResult check() {
    try {
      if (queueUrl == null) {
        sqs.listQueues(r -> r.maxResults(1).overrideConfiguration(BOUNDED));
        return CheckResult.ok("answers, credentials accepted");
      }
      sqs.getQueueAttributes(r -> r.queueUrl(queueUrl)
          .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES).overrideConfiguration(BOUNDED));
      return CheckResult.ok("queue " + queueUrl);
    } catch (QueueDoesNotExistException e) {
      return CheckResult.failed("queue " + queueUrl + " does not exist");
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? "" : e.awsErrorDetails().errorCode();
      if (REFUSED.contains(code)) {
        return CheckResult.failed("credentials refused (" + code + ")");
      }
      if (code != null && code.startsWith("AccessDenied")) {
        return queueUrl == null ? CheckResult.ok("answers, credentials accepted")
            : CheckResult.failed("not allowed to read the queue (" + code + "): the poller's keys need"
                + " sqs:GetQueueAttributes on " + queueUrl);
      }
      String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
      return CheckResult.failed("SQS answered " + e.statusCode() + " " + code + ": " + clip(message));
    } catch (SdkClientException e) {
      return CheckResult.failed("unreachable: " + clip(e.getMessage()));
    }
  }

  /** The SDK's messages about a missing credential chain run to a paragraph. */
  private static String clip(String text) {
    return text == null || text.length() <= 200 ? text : text.substring(0, 197) + "...";
  }
}
