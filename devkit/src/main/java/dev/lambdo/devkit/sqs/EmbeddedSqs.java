package dev.lambdo.devkit.sqs;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.Terminated;
import org.elasticmq.server.ElasticMQServer;
import org.elasticmq.server.config.ElasticMQServerConfig;
import scala.Function0;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * ElasticMQ in this JVM: the real SQS protocol on a loopback port, with a main queue whose redrive
 * policy moves a message to the DLQ after {@value #MAX_RECEIVES} receives. The port is ElasticMQ's
 * behind a {@link BrowserGuard}, so a web page cannot enqueue anything; this JVM's own client goes
 * to ElasticMQ directly. Given a directory, queues and messages are kept there (H2) and survive a
 * restart; ElasticMQ restores them in the background just after it starts. ElasticMQ's store is
 * one per JVM (its connection pool is a singleton), so one JVM keeps queues in one directory only.
 */
public final class EmbeddedSqs implements AutoCloseable {
  public static final int MAX_RECEIVES = 5;
  public static final String REGION = "us-east-1";
  /** The one directory this JVM keeps queues in, once one was given. */
  private static final AtomicReference<Path> KEPT_IN = new AtomicReference<>();

  private final Function0<Terminated> stopServer;
  private final BrowserGuard guard;
  private final SqsClient client;
  private final String direct;

  /** Queues and messages in memory only. */
  public EmbeddedSqs(int port) throws IOException {
    this(port, null);
  }

  /**
   * @param port the public port, 0 for a free one
   * @param storage where queues and messages are kept across restarts; null keeps them in memory
   */
  public EmbeddedSqs(int port, Path storage) throws IOException {
    int internalPort = freePort();
    // Bound first, so queue URLs can name its port, also when it was chosen free.
    guard = new BrowserGuard(port, URI.create("http://127.0.0.1:" + internalPort));
    Map<String, Object> settings = new HashMap<>(Map.of(
        "rest-sqs.bind-hostname", "127.0.0.1",
        "rest-sqs.bind-port", internalPort,
        "node-address.host", "localhost",
        "node-address.port", guard.port(),
        "aws.region", REGION));
    if (storage != null) {
      Path first = KEPT_IN.compareAndExchange(null, storage.toAbsolutePath().normalize());
      if (first != null && !first.equals(storage.toAbsolutePath().normalize())) {
        guard.close();
        throw new IllegalStateException("this JVM keeps SQS queues in " + first + " already; ElasticMQ"
            + " keeps one store per JVM, so not also in " + storage);
      }
      Files.createDirectories(storage);
      settings.putAll(Map.of("messages-storage.enabled", true,
          "messages-storage.uri", "jdbc:h2:" + storage.toAbsolutePath().resolve("sqs")));
    }
    // ElasticMQ's actor system reads its settings from the JVM's (ActorSystem("elasticmq")), not
    // from the config below. close() stops it, from the dev stack's own shutdown hook; Pekko's
    // JVM hook, added at that moment, printed "Could not addJvmShutdownHook" on every Ctrl-C.
    // For the whole JVM: whoever starts an EmbeddedSqs closes it (all its users do).
    System.setProperty("pekko.jvm-shutdown-hooks", "off");
    ConfigFactory.invalidateCaches();
    Config config = ConfigFactory.parseMap(settings).withFallback(ConfigFactory.load());
    stopServer = new ElasticMQServer(new ElasticMQServerConfig(config)).start();
    direct = "http://127.0.0.1:" + internalPort;
    client = SqsClient.builder().endpointOverride(URI.create(direct))
        .region(Region.of(REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .build();
  }

  public String endpoint() {
    return "http://localhost:" + guard.port();
  }

  /**
   * ElasticMQ itself, past the browser guard: for the bench's worker JVMs, whose figures are to
   * be SQS's and not the guard's extra hop, as {@link #client()}'s are.
   */
  public String directEndpoint() {
    return direct;
  }

  public SqsClient client() {
    return client;
  }

  /** Creates {@code name} and {@code name-dlq}, wired by a redrive policy; returns both URLs. */
  public Queues createQueues(String name, int visibilitySeconds) {
    return createQueues(client, name, visibilitySeconds, MAX_RECEIVES);
  }

  /**
   * Creates {@code name} and {@code name-dlq} through {@code client}, wherever its SQS runs; the
   * redrive policy moves a message to the DLQ after {@code maxReceives} receives.
   */
  public static Queues createQueues(SqsClient client, String name, int visibilitySeconds, int maxReceives) {
    String dlq = client.createQueue(r -> r.queueName(name + "-dlq")).queueUrl();
    String dlqArn = client.getQueueAttributes(r -> r.queueUrl(dlq).attributeNames(QueueAttributeName.QUEUE_ARN))
        .attributes().get(QueueAttributeName.QUEUE_ARN);
    String redrive = "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"" + maxReceives + "\"}";
    String main = client.createQueue(r -> r.queueName(name).attributes(Map.of(
        QueueAttributeName.REDRIVE_POLICY, redrive,
        QueueAttributeName.VISIBILITY_TIMEOUT, Integer.toString(visibilitySeconds)))).queueUrl();
    return new Queues(main, dlq);
  }

  /** Messages in the queue, visible or in flight. */
  public int approximateCount(String queueUrl) {
    return approximateCount(client, queueUrl);
  }

  /** Messages in the queue, visible or in flight, asked through {@code client}. */
  public static int approximateCount(SqsClient client, String queueUrl) {
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
    guard.close();
    stopServer.apply();
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
