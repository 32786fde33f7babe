package dev.lambdo.producer;

import dev.lambdo.sqs.QueueLocation;
import dev.lambdo.sqs.SqsClients;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Sends events to a Lambdo queue:
 *
 * <pre>{@code
 * try (EventProducer producer = EventProducer.forQueue(queueUrl)) {
 *   SentEvent sent = producer.send(Event.builder("{\"order\":42}")
 *       .image("registry.fly.io/my-app:v3").command("node", "index.js").build());
 * }
 * }</pre>
 */
public final class EventProducer implements AutoCloseable {
  private final SqsClient sqs;
  private final String queueUrl;
  private final boolean ownsClient;

  /** Sends through a client the application set up; closing this producer leaves it open. */
  public EventProducer(SqsClient sqs, String queueUrl) {
    this(sqs, queueUrl, false);
  }

  private EventProducer(SqsClient sqs, String queueUrl, boolean ownsClient) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.ownsClient = ownsClient;
  }

  /**
   * A producer with its own client for the queue: see {@link QueueLocation} for how the endpoint,
   * region and signing follow from the URL and the environment.
   */
  public static EventProducer forQueue(String queueUrl) {
    return forQueue(queueUrl, System.getenv());
  }

  public static EventProducer forQueue(String queueUrl, Map<String, String> env) {
    return new EventProducer(SqsClients.forQueue(QueueLocation.of(queueUrl, env)), queueUrl, true);
  }

  public String queueUrl() {
    return queueUrl;
  }

  /** @throws software.amazon.awssdk.core.exception.SdkException when SQS cannot be reached or refuses */
  public SentEvent send(Event event) {
    Map<String, MessageAttributeValue> attributes = new LinkedHashMap<>();
    event.attributes().forEach((name, value) ->
        attributes.put(name, MessageAttributeValue.builder().dataType("String").stringValue(value).build()));
    String id = sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(event.body()).messageAttributes(attributes))
        .messageId();
    return new SentEvent(id, queueUrl);
  }

  @Override
  public void close() {
    if (ownsClient) {
      sqs.close();
    }
  }
}
