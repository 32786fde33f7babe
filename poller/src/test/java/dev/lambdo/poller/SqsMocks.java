package dev.lambdo.poller;

import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.when;

import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageResponse;

/** A mocked SDK client's receives, for the poller's tests. */
final class SqsMocks {
  private SqsMocks() {}

  /** A message received once; {@code image} null sends none. */
  static Message message(String id, String body, String image) {
    Map<String, MessageAttributeValue> attrs = image == null ? Map.of()
        : Map.of("image", MessageAttributeValue.builder().dataType("String").stringValue(image).build());
    return Message.builder().messageId(id).receiptHandle("rh-" + id).body(body).messageAttributes(attrs)
        .attributes(Map.of(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT, "1")).build();
  }

  /** Every receive, in either of the SDK's forms, returns {@code messages}. */
  @SuppressWarnings("unchecked")
  static void receive(SqsClient sdk, Message... messages) {
    when(sdk.receiveMessage(any(ReceiveMessageRequest.class)))
        .thenReturn(ReceiveMessageResponse.builder().messages(messages).build());
    when(sdk.receiveMessage(any(Consumer.class))).thenAnswer(i -> {
      ReceiveMessageRequest.Builder b = ReceiveMessageRequest.builder();
      ((Consumer<ReceiveMessageRequest.Builder>) i.getArgument(0)).accept(b);
      return sdk.receiveMessage(b.build());
    });
  }
}
