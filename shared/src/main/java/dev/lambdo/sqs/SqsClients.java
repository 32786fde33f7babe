package dev.lambdo.sqs;

import dev.lambdo.config.ConfigException;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;

/** An SQS client set up the AWS way: credentials and region from the default chains, and {@code AWS_ENDPOINT_URL_SQS} for a local queue. */
public final class SqsClients {
  private SqsClients() {}

  public static SqsClient fromEnvironment() {
    try {
      return SqsClient.builder().build();
    } catch (SdkClientException e) {
      throw new ConfigException(List.of("AWS client could not be set up (set AWS_REGION?): " + e.getMessage()));
    }
  }
}
