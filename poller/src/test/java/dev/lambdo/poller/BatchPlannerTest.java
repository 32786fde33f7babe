package dev.lambdo.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lambdo.config.OnFailure;
import dev.lambdo.event.Batch;
import dev.lambdo.event.MessageParser;
import dev.lambdo.event.ParsedMessage;
import dev.lambdo.sqs.MessageAttribute;
import dev.lambdo.sqs.ReceivedMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchPlannerTest {
  private final MessageParser parser = new MessageParser(10_000);

  private ParsedMessage.Accepted event(String id, String body, String image, String size) {
    ReceivedMessage m = new ReceivedMessage(id, "rh-" + id, body,
        Map.of("image", MessageAttribute.string(image), "size", MessageAttribute.string(size)), 1);
    return (ParsedMessage.Accepted) parser.parse(m);
  }

  @Test
  void groupsByMachineShapeAndSplitsByEventsPerMachine() {
    List<ParsedMessage.Accepted> events = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      events.add(event("a" + i, "{}", "img:a", "shared-cpu-1x"));
      events.add(event("b" + i, "{}", "img:b", "shared-cpu-1x"));
    }
    events.add(event("c0", "{}", "img:a", "performance-1x"));

    List<Batch> batches = new BatchPlanner("q", 5, 10_000, OnFailure.ACK, 300).plan(events);

    assertEquals(List.of(5, 2, 5, 2, 1), batches.stream().map(b -> b.events().size()).toList());
    assertEquals(List.of("a0", "a1", "a2", "a3", "a4"), batches.getFirst().messageIds());
    assertEquals("img:b", batches.get(2).spec().image());
    assertEquals("performance-1x", batches.get(4).spec().size());
  }

  @Test
  void splitsByTheEventsFileByteBudget() {
    String body = "\"" + "x".repeat(38) + "\""; // 40 bytes, 41 with its comma
    List<ParsedMessage.Accepted> events = List.of(
        event("1", body, "i", "shared-cpu-1x"), event("2", body, "i", "shared-cpu-1x"), event("3", body, "i", "shared-cpu-1x"));

    List<Batch> batches = new BatchPlanner("q", 10, 100, OnFailure.ACK, 300).plan(events);

    assertEquals(List.of(2, 1), batches.stream().map(b -> b.events().size()).toList());
    batches.forEach(b -> assertEquals(true, b.eventsJson().length() <= 100, b.eventsJson()));
  }

  @Test
  void carriesTheQueueFailurePolicyAndVisibilityAndNoSlotsWorkflow() {
    Batch batch = new BatchPlanner("http://q", 5, 1000, OnFailure.RELEASE, 42)
        .plan(List.of(event("1", "{}", "i", "shared-cpu-1x"))).getFirst();
    assertEquals("http://q", batch.queueUrl());
    assertEquals(OnFailure.RELEASE, batch.onFailure());
    assertEquals(42, batch.visibilitySeconds());
    assertEquals(null, batch.slots(), "the limit is the pollers': a batch asks no slots workflow");
  }
}
