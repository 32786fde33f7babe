package dev.lambdo.devkit.sqs;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * ElasticMQ in this JVM: the real SQS protocol on a loopback port, with a main queue whose redrive
 * policy moves a message to the DLQ after {@value #MAX_RECEIVES} receives.
 */
public final class EmbeddedSqs implements AutoCloseable {
  public static final int MAX_RECEIVES = 5;
  public static final String REGION = "us-east-1";

  private final SQSRestServer server;
  private final int port;
  private final SqsClient client;

  public EmbeddedSqs(int port) throws IOException {
    this.port = port == 0 ? freePort() : port;
    server = SQSRestServerBuilder.withInterface("127.0.0.1").withPort(this.port)
        .withServerAddress(new NodeAddress("http", "localhost", this.port, ""))
        .withAWSRegion(REGION).start();
    server.waitUntilStarted();
    client = SqsClient.builder().endpointOverride(URI.create(endpoint())).region(Region.of(REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .build();
  }

  public String endpoint() {
    return "http://localhost:" + port;
  }

  public SqsClient client() {
    return client;
  }

  /** Creates {@code name} and {@code name-dlq}, wired by a redrive policy; returns both URLs. */
  public Queues createQueues(String name, int visibilitySeconds) {
    String dlq = client.createQueue(r -> r.queueName(name + "-dlq")).queueUrl();
    String dlqArn = client.getQueueAttributes(r -> r.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
    String redrive = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + MAX_RECEIVES + "\"}";
    String main = client.createQueue(r -> r.queueName(name).attributes(Map.of(
        QueueAttributeName.REDRIVE_POLICY, redrive,
        QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilitySeconds)))).queueUrl();
    return new Queues(main, dlq);
  }

  /** Messages in the queue, visible or in flight. */
  public int approximateCount(String queueUrl) {
    Map<QueueAttributeName, String> a = client.getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNames(
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
    return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
        + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }

  public record Queues(String main, String dlq) {}

  @Override
  public void close() {
    client.close();
    server.stopAndWait();
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
