package dev.lambdo.devkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.config.PollerConfig;
import dev.lambdo.devkit.DevStack;
import dev.lambdo.devkit.sqs.EmbeddedSqs;
import dev.lambdo.devkit.temporal.TemporalServer;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.event.MessageParser;
import dev.lambdo.event.ParsedMessage;
import dev.lambdo.sqs.ReceivedMessage;
import dev.lambdo.sqs.SqsQueue;
import dev.lambdo.workflow.BatchResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lambdo send} through real SQS (ElasticMQ over the SQS protocol, behind the dev stack's
 * guard): what it sends is what the poller receives and accepts, byte for byte and word for word.
 */
class SendCommandIntegrationTest {
  /** Quotes of both kinds, a backslash, JSON escapes, accents, a symbol and an emoji outside the BMP. */
  static final String BODY = "{\"say\":\"it's \\\"quoted\\\" \\\\ o'clock\",\"name\":\"Zoë ✓ 😀\",\"tab\":\"a\\tb\",\"n\":[1,2.5,null]}";
  /** Words a shell would need quoting for, and an option of the program that lambdo must not take. */
  static final List<String> COMMAND = List.of("sh", "-c", "echo \"got it: $GREETING\"; cat \"$EVENTS_PATH\"", "--env");

  @TempDir Path dir;

  private static String[] send(String queueUrl, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("send", "--queue-url", queueUrl, "--image", "alpine:3",
        "--size", "shared-cpu-1x", "--env", "GREETING=hello, wörld", BODY));
    args.addAll(List.of(more));
    args.add("--command");
    args.addAll(COMMAND);
    return args.toArray(String[]::new);
  }

  @Test
  void sendRoundTripsABodyWithQuotesAndUnicodeAndAMultiWordCommandThroughThePollersParsing() throws Exception {
    try (EmbeddedSqs sqs = new EmbeddedSqs(0)) {
      String queue = sqs.createQueues("lambdo", 30).main();

      CliRun run = CliRun.of(Map.of(), send(queue));

      assertEquals(0, run.exitCode(), run.toString());
      List<ReceivedMessage> received = new SqsQueue(sqs.client())
          .receive(queue, 10, Duration.ofSeconds(2), Duration.ofSeconds(30));
      assertEquals(1, received.size());
      ReceivedMessage message = received.getFirst();
      assertEquals(run.messageId(), message.messageId());
      assertEquals(BODY, message.body(), "the body arrives byte for byte");
      ParsedMessage parsed = MessageParser.forEventsFile(PollerConfig.DEFAULT_EVENTS_FILE_BYTES).parse(message);
      MachineSpec spec = assertInstanceOf(ParsedMessage.Accepted.class, parsed, parsed.toString()).spec();
      assertEquals("alpine:3", spec.image());
      assertEquals("shared-cpu-1x", spec.size());
      assertEquals(COMMAND, spec.command(), "each word one argument, as the shell split them");
      assertEquals(Map.of("GREETING", "hello, wörld"), spec.env());
      assertTrue(run.out().contains("temporal workflow list --query \"LambdoMessageIds = '" + message.messageId() + "'\""),
          run.toString());
    }
  }

  @Test
  void theEventRunsOnAMachineWithItsBodyWholeAndItsCommandsWordsApart() throws Exception {
    try (TemporalServer temporal = TemporalServer.startInProcess();
        DevStack stack = DevStack.start(temporal, 0, 0, dir, Map.of())) {
      CliRun run = CliRun.of(Map.of("LAMBDO_SQS_QUEUE_URL", stack.queues().main()), send(stack.queues().main()));
      assertEquals(0, run.exitCode(), run.toString());

      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (stack.fly().machinesCreated() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      String machine = stack.fly().machineIds().iterator().next();
      String workflow = stack.fly().config(machine).path("env").path("LAMBDO_WORKFLOW_ID").asText();
      BatchResult result = stack.client().newUntypedWorkflowStub(workflow).getResult(BatchResult.class);

      assertEquals(0, result.exit().exitCode(), result.toString());
      assertEquals(List.of("got it: hello, wörld", "[" + BODY + "]"), result.logTail().lines().subList(0, 2));
    }
  }
}
