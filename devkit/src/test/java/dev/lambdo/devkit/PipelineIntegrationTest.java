package dev.lambdo.devkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lambdo.devkit.temporal.TemporalServer;
import dev.lambdo.replay.Replayer;
import dev.lambdo.workflow.BatchResult;
import io.temporal.client.WorkflowFailedException;
import io.temporal.failure.ApplicationFailure;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * The whole loop in one JVM: ElasticMQ over the real SQS protocol, the Fly emulator over HTTP,
 * Temporal's Java test server, and the real worker and poller code.
 */
class PipelineIntegrationTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path dir;
  private static TemporalServer temporal;
  private static DevStack stack;

  @BeforeAll
  static void start() throws Exception {
    temporal = TemporalServer.startInProcess();
    stack = DevStack.start(temporal, 0, 0, dir, Map.of("LAMBDO_EVENTS_PER_MACHINE", "5"));
  }

  @AfterAll
  static void stop() {
    stack.close();
    temporal.close();
  }

  private static void send(String body, String image, String command, String... more) {
    List<String> attributes = new ArrayList<>(List.of("image", image, "command", command));
    attributes.addAll(List.of(more));
    stack.producer().send(body, attributes.toArray(String[]::new));
  }

  /** Waits until no machine is left and the queue holds nothing: the loop has settled. */
  private static void awaitSettled(int machinesAtLeast) {
    Awaitility.await("at least " + machinesAtLeast + " machines made, none alive, the queue empty")
        .atMost(Duration.ofSeconds(90))
        .until(() -> stack.fly().machinesCreated() >= machinesAtLeast && stack.fly().machinesAlive() == 0
            && stack.sqs().approximateCount(stack.queues().main()) == 0);
  }

  @Test
  void thirtyEventsOfThreeShapesRunOnTheirOwnMachines() throws Exception {
    int createdBefore = stack.fly().machinesCreated();
    Set<String> sent = new HashSet<>();
    String[] shapes = {"img:a", "img:b", "img:c"};
    for (int i = 0; i < 30; i++) {
      String shape = shapes[i % 3];
      String body = "{\"shape\":\"" + shape + "\",\"n\":" + i + "}";
      sent.add(body);
      send(body, shape, "[\"sh\",\"-c\",\"echo running " + shape + "; cat $EVENTS_PATH\"]",
          "size", i % 3 == 2 ? "shared-cpu-2x" : "shared-cpu-1x");
    }
    awaitSettled(createdBefore + 6);

    List<String> machines = new ArrayList<>(stack.fly().machineIds());
    List<String> ran = new ArrayList<>();
    Set<String> workflows = new HashSet<>();
    for (String id : machines) {
      JsonNode config = stack.fly().config(id);
      String image = config.path("image").asText();
      if (!image.startsWith("img:") || image.equals("img:fail")) {
        continue;
      }
      JsonNode events = JSON.readTree(stack.fly().guestFile(id, "/tmp/events.json").orElseThrow());
      assertTrue(events.size() >= 1 && events.size() <= 5, "at most LAMBDO_EVENTS_PER_MACHINE per machine");
      for (JsonNode event : events) {
        assertEquals(image, event.path("shape").asText(), "a machine only runs events of its own shape");
        ran.add(event.toString());
      }
      String workflowId = config.path("env").path("LAMBDO_WORKFLOW_ID").asText();
      workflows.add(workflowId);
      BatchResult result = stack.client().newUntypedWorkflowStub(workflowId).getResult(BatchResult.class);
      assertEquals(id, result.machineId());
      assertEquals(0, result.exit().exitCode());
      assertTrue(result.logTail().lines().contains("running " + image), result.logTail().lines().toString());
      assertTrue(result.logTail().lines().contains(events.toString()), "the machine printed its own events file");
      assertEquals("destroyed", stack.fly().state(id));
      assertEquals(events.size(), result.messages().settled());
    }
    assertEquals(sent.size(), ran.size(), "every event ran exactly once");
    assertEquals(sent, new HashSet<>(ran));
    assertTrue(workflows.size() >= 6, "at least ceil(10/5) machines per shape, was " + workflows.size());
    assertEquals(workflows.size(), machines.stream().filter(m -> stack.fly().config(m).path("image").asText().startsWith("img:")
        && !stack.fly().config(m).path("image").asText().equals("img:fail")).count(), "one machine per batch");
    assertEquals(0, stack.sqs().approximateCount(stack.queues().main()), "the queue is empty");
    assertTrue(new Replayer(stack.client()).replay(workflows.iterator().next(), false).note().contains("it succeeded"),
        "a batch that succeeded is not replayed unless forced");
  }

  @Test
  void aBatchWhoseMachineExitsNonZeroEndsFailedWithItsExitCodeAndLogs() throws Exception {
    int createdBefore = stack.fly().machinesCreated();
    send("{\"doomed\":\"marker-5f1e\"}", "img:fail", "[\"sh\",\"-c\",\"echo about to fail >&2; exit 3\"]", "retries", "1");
    awaitSettled(createdBefore + 2);

    String workflowId = stack.fly().machineIds().stream()
        .filter(id -> stack.fly().config(id).path("image").asText().equals("img:fail"))
        .map(id -> stack.fly().config(id).path("env").path("LAMBDO_WORKFLOW_ID").asText())
        .findFirst().orElseThrow();
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> stack.client().newUntypedWorkflowStub(workflowId).getResult(BatchResult.class));
    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    BatchResult result = failure.getDetails().get(BatchResult.class);
    assertEquals(3, result.exit().exitCode());
    assertEquals(2, result.attempts(), "retries=1 means two machines");
    assertTrue(result.logTail().lines().contains("about to fail"), result.logTail().lines().toString());
    assertTrue(failure.getOriginalMessage().contains("exit code 3"));
    assertEquals(1, result.messages().settled(), "the message is acked: the failed workflow is the record");
    // Issue 10, defect 4: the events are in history once (the batch's input), not once per attempt.
    String history = stack.client().fetchHistory(workflowId).getEvents().stream()
        .map(event -> event.toByteString().toStringUtf8()).collect(java.util.stream.Collectors.joining());
    assertEquals(1, history.split("marker-5f1e", -1).length - 1, "times the body is in the history");
  }

  /**
   * Issue 10, defect 6: a runtime's LAMBDO_RESULT line says which events failed; the next attempt
   * runs only those. The handler fails events marked "fail" on the first attempt only.
   */
  @Test
  void onlyTheEventsARuntimeReportsFailedRunAgain() throws Exception {
    Path handler = dir.resolve("partial.py");
    java.nio.file.Files.writeString(handler, """
        import json, os
        events = json.load(open(os.environ["EVENTS_PATH"]))
        attempt = os.environ["LAMBDO_ATTEMPT"]
        failed = [i for i, e in enumerate(events) if e.get("fail") and attempt == "1"]
        for e in events:
            print("ran", e["n"], "attempt", attempt)
        print("LAMBDO_RESULT " + json.dumps({"events": len(events), "succeeded": len(events) - len(failed),
                                             "failed": [{"index": i, "error": "boom"} for i in failed]}))
        raise SystemExit(1 if failed else 0)
        """);
    int createdBefore = stack.fly().machinesCreated();
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      entries.add(SendMessageBatchRequestEntry.builder().id("e" + n)
          .messageBody("{\"n\":" + n + (n == 2 ? ",\"fail\":true" : "") + "}")
          .messageAttributes(Map.of(
              "image", MessageAttributeValue.builder().dataType("String").stringValue("partial:1").build(),
              "retries", MessageAttributeValue.builder().dataType("String").stringValue("1").build(),
              "command", MessageAttributeValue.builder().dataType("String")
                  .stringValue(JSON.writeValueAsString(List.of("python3", handler.toString()))).build()))
          .build());
    }
    stack.sqs().client().sendMessageBatch(r -> r.queueUrl(stack.queues().main()).entries(entries));
    awaitSettled(createdBefore + 2);

    List<String> runs = new ArrayList<>();
    Set<String> workflows = new HashSet<>();
    for (String id : stack.fly().machineIds()) {
      if (stack.fly().config(id).path("image").asText().equals("partial:1")) {
        workflows.add(stack.fly().config(id).path("env").path("LAMBDO_WORKFLOW_ID").asText());
      }
    }
    boolean partial = false;
    for (String workflowId : workflows) {
      BatchResult result = stack.client().newUntypedWorkflowStub(workflowId).getResult(BatchResult.class);
      if (result.history().getFirst().failedMessages() != null) {
        partial = true;
        String retried = result.history().get(1).machineId();
        assertEquals("[{\"n\":2,\"fail\":true}]", stack.fly().guestFile(retried, "/tmp/events.json").orElseThrow(),
            "the second machine's events file holds the failed event only");
      }
      result.history().forEach(a -> runs.add(a.machineId()));
      assertEquals(List.of(), result.failedMessages());
    }
    assertTrue(partial, "the three events were one batch whose first run failed in part");
    Map<String, Integer> ranPerEvent = new java.util.TreeMap<>();
    for (String workflowId : workflows) {
      BatchResult result = stack.client().newUntypedWorkflowStub(workflowId).getResult(BatchResult.class);
      for (String line : result.logTail().lines()) {
        if (line.startsWith("ran ") && line.endsWith("attempt 2")) {
          ranPerEvent.merge(line.split(" ")[1], 1, Integer::sum);
        }
      }
    }
    assertEquals(Map.of("2", 1), ranPerEvent, "the second attempt ran only the event that failed");
  }

  @Test
  void aMessageThatCannotRunGoesToTheDlqWithItsReason() throws Exception {
    stack.sqs().client().sendMessage(r -> r.queueUrl(stack.queues().main()).messageBody("{\"no\":\"image\"}"));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (stack.sqs().approximateCount(stack.queues().dlq()) == 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    var received = stack.sqs().client().receiveMessage(r -> r.queueUrl(stack.queues().dlq())
        .messageAttributeNames("All").waitTimeSeconds(5)).messages();
    assertEquals(1, received.size());
    assertEquals("{\"no\":\"image\"}", received.getFirst().body());
    assertTrue(received.getFirst().messageAttributes().get("LambdoError").stringValue().contains("'image' is required"));
  }

  @Test
  void aBinaryAttributeIsKeptInTheDlqCopyAndDelaysNoOtherMessage() throws Exception {
    byte[] blob = {0, 1, 2, (byte) 0xff};
    var bad = SendMessageBatchRequestEntry.builder().id("bad").messageBody("{\"blob\":true}")
        .messageAttributes(Map.of("blob", MessageAttributeValue.builder().dataType("Binary.raw")
            .binaryValue(SdkBytes.fromByteArray(blob)).build())).build();
    var good = SendMessageBatchRequestEntry.builder().id("good").messageBody("{\"beside\":\"blob\"}")
        .messageAttributes(Map.of(
            "image", MessageAttributeValue.builder().dataType("String").stringValue("beside-blob:1").build(),
            "command", MessageAttributeValue.builder().dataType("String").stringValue("[\"true\"]").build())).build();
    stack.sqs().client().sendMessageBatch(r -> r.queueUrl(stack.queues().main()).entries(bad, good));
    long sent = System.nanoTime();
    var received = stack.sqs().client().receiveMessage(r -> r.queueUrl(stack.queues().dlq())
        .messageAttributeNames("All").waitTimeSeconds(20)).messages();
    assertEquals(1, received.size(), "the message without an image is in the DLQ");
    var copy = received.getFirst().messageAttributes();
    assertEquals("Binary.raw", copy.get("blob").dataType());
    assertArrayEquals(blob, copy.get("blob").binaryValue().asByteArray());
    assertTrue(copy.get("LambdoError").stringValue().contains("'image' is required"));
    stack.sqs().client().deleteMessage(r -> r.queueUrl(stack.queues().dlq()).receiptHandle(received.getFirst().receiptHandle()));

    // The valid message beside it ran at once, not after a visibility timeout.
    Awaitility.await("the valid message beside the binary one to run").atMost(Duration.ofSeconds(20))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> stack.fly().machineIds().stream()
            .anyMatch(m -> stack.fly().config(m).path("image").asText().equals("beside-blob:1")));
    assertTrue(Duration.ofNanos(System.nanoTime() - sent).toSeconds() < 20);
  }
}
