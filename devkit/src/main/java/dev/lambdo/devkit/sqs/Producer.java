package dev.lambdo.devkit.sqs;

import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;

/**
 * Sends raw messages: a body and String attributes exactly as given, unchecked, so tests can send
 * what the poller must reject too. Applications use {@link dev.lambdo.producer.EventProducer},
 * which sends only events the poller accepts.
 */
public final class Producer {
  private final SqsClient sqs;
  private final String queueUrl;

  public Producer(SqsClient sqs, String queueUrl) {
    this.sqs = sqs;
    this.queueUrl = queueUrl;
  }

  /** @param attributes name, value, name, value … ({@code "image", "alpine:3", "retries", "0"}) */
  public String send(String body, String... attributes) {
    if (attributes.length % 2 != 0) {
      throw new IllegalArgumentException("attributes come in name, value pairs");
    }
    Map<String, MessageAttributeValue> values = new LinkedHashMap<>();
    for (int i = 0; i < attributes.length; i += 2) {
      values.put(attributes[i], MessageAttributeValue.builder().dataType("String").stringValue(attributes[i + 1]).build());
    }
    return sqs.sendMessage(r -> r.queueUrl(queueUrl).messageBody(body).messageAttributes(values)).messageId();
  }
}
