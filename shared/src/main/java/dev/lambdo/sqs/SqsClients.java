package dev.lambdo.sqs;

import dev.lambdo.config.ConfigException;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;

/** SQS clients set up the AWS way: credentials and region from the default chains. */
public final class SqsClients {
  private SqsClients() {}

  /** The apps' client: {@code AWS_ENDPOINT_URL_SQS} for a local queue. */
  public static SqsClient fromEnvironment() {
    try {
      return SqsClient.builder().build();
    } catch (SdkClientException e) {
      throw new ConfigException(List.of("AWS client could not be set up (set AWS_REGION?): " + e.getMessage()));
    }
  }

  /** A sender's client for one queue: endpoint, region and signing as {@link QueueLocation} works them out. */
  public static SqsClient forQueue(QueueLocation queue) {
    SqsClientBuilder builder = SqsClient.builder();
    queue.endpoint().ifPresent(builder::endpointOverride);
    queue.region().map(Region::of).ifPresent(builder::region);
    if (queue.unsigned()) {
      builder.credentialsProvider(AnonymousCredentialsProvider.create());
    }
    try {
      return builder.build();
    } catch (SdkClientException e) {
      throw new ConfigException(List.of("AWS client could not be set up (set AWS_REGION?): " + e.getMessage()));
    }
  }
}
