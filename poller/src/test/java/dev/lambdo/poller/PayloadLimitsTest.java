package dev.lambdo.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.config.OnFailure;
import dev.lambdo.config.PollerConfig;
import dev.lambdo.event.Batch;
import dev.lambdo.event.EventPayloads;
import dev.lambdo.event.MessageParser;
import dev.lambdo.event.ParsedMessage;
import dev.lambdo.sqs.MessageAttribute;
import dev.lambdo.sqs.ReceivedMessage;
import io.temporal.common.converter.DefaultDataConverter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 10, defect 4: no accepted setting and no accepted message may make a payload Temporal
 * refuses (2 MiB by default). A body travels in the batch's input as a JSON string, so quotes
 * and backslashes take twice their bytes there.
 */
class PayloadLimitsTest {
  private static final String RECEIPT = "r".repeat(1024); // SQS's longest receipt handle

  /** Bodies at the size limit that cost the most once escaped, and ones that cost nothing extra. */
  private static List<String> worstBodies(int bytes) {
    String quoted = "\"" + "\\\"".repeat((bytes - 2) / 2) + "\"";
    String plain = "\"" + "x".repeat(bytes - 2) + "\"";
    String unicode = "\"" + "é".repeat((bytes - 2) / 2) + "\"";
    String lines = "[" + "1,\n".repeat((bytes - 3) / 3) + "1]";
    return List.of(quoted, plain, unicode, lines);
  }

  private static int payloadBytes(Object input) {
    return DefaultDataConverter.newDefaultInstance().toPayload(input).orElseThrow().getSerializedSize();
  }

  @ParameterizedTest
  @ValueSource(ints = {PollerConfig.DEFAULT_EVENTS_FILE_BYTES, PollerConfig.MAX_EVENTS_FILE_BYTES})
  void everyAcceptedMessageMakesBatchesTemporalTakes(int fileBytes) {
    MessageParser parser = new MessageParser(fileBytes - 2);
    BatchPlanner planner = new BatchPlanner("q", PollerConfig.MAX_EVENTS_PER_MACHINE, fileBytes, OnFailure.ACK, 300);
    List<ParsedMessage.Accepted> accepted = new ArrayList<>();
    int rejected = 0;
    for (int size : List.of(fileBytes - 2, fileBytes / 2, fileBytes / 3, fileBytes / 10)) {
      for (String body : worstBodies(size)) {
        for (int copy = 0; copy < 3; copy++) {
          ParsedMessage parsed = parser.parse(new ReceivedMessage("m" + accepted.size() + "-" + rejected, RECEIPT, body,
              Map.of("image", MessageAttribute.string("registry.fly.io/app:v1")), 1));
          switch (parsed) {
            case ParsedMessage.Accepted a -> accepted.add(a);
            case ParsedMessage.Rejected r -> {
              rejected++;
              assertTrue(r.reason().contains("Temporal"), r.reason());
            }
          }
        }
      }
    }
    for (Batch batch : planner.plan(accepted)) {
      int bytes = payloadBytes(batch);
      assertTrue(bytes <= EventPayloads.TEMPORAL_BLOB_LIMIT, batch.events().size() + " events: " + bytes + " bytes");
    }
    if (fileBytes == PollerConfig.DEFAULT_EVENTS_FILE_BYTES) {
      assertEquals(0, rejected, "with the defaults every body the events file holds runs");
    }
  }

  @Test
  void eventsThatFitTheFileButNotOnePayloadAreSplit() {
    int fileBytes = PollerConfig.MAX_EVENTS_FILE_BYTES;
    // Three such bodies just fit the events file; escaped, together they pass the blob limit.
    String body = worstBodies((fileBytes - 6) / 3).getFirst();
    MessageParser parser = new MessageParser(fileBytes - 2);
    List<ParsedMessage.Accepted> accepted = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      accepted.add((ParsedMessage.Accepted) parser.parse(new ReceivedMessage("m" + i, RECEIPT, body,
          Map.of("image", MessageAttribute.string("registry.fly.io/app:v1")), 1)));
    }
    List<Batch> batches = new BatchPlanner("q", PollerConfig.MAX_EVENTS_PER_MACHINE, fileBytes, OnFailure.ACK, 300)
        .plan(accepted);

    assertEquals(List.of(2, 1), batches.stream().map(b -> b.events().size()).toList());
    batches.forEach(b -> assertTrue(payloadBytes(b) <= EventPayloads.TEMPORAL_BLOB_LIMIT));
  }

  @Test
  void aMaxSizeSqsMessageRunsWithTheDefaults() {
    int fileBytes = PollerConfig.DEFAULT_EVENTS_FILE_BYTES;
    // 262,144 bytes is SQS's classic limit for body and attributes together, as the Go original takes it.
    String image = "registry.fly.io/app:v1";
    String body = "\"" + "\\\"".repeat((262_144 - "image".length() - image.length() - "String".length() - 2) / 2) + "\"";
    ParsedMessage parsed = new MessageParser(fileBytes - 2).parse(
        new ReceivedMessage("m", RECEIPT, body, Map.of("image", MessageAttribute.string(image)), 1));
    assertTrue(parsed instanceof ParsedMessage.Accepted, parsed.toString());
  }
}
