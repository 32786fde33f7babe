package dev.lambdo.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.devkit.temporal.TemporalServer;
import dev.lambdo.replay.Replayer;
import dev.lambdo.workflow.BatchResult;
import io.temporal.client.WorkflowFailedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What happens to messages and machines when batches fail, through real SQS and the emulator. */
class FailureIntegrationTest {
  @TempDir Path dir;

  private static void send(DevStack stack, String body, String command) {
    stack.producer().send(body, "image", "img:flaky", "command", command, "retries", "0");
  }

  private static void await(String what, BooleanSupplier done) {
    Awaitility.await(what).atMost(Duration.ofSeconds(90)).until(done::getAsBoolean);
  }

  private static String workflowOfFirstMachine(DevStack stack) {
    String machine = stack.fly().machineIds().iterator().next();
    return stack.fly().config(machine).path("env").path("LAMBDO_WORKFLOW_ID").asText();
  }

  @Test
  void aFailedBatchIsReplayedOnTheSameEventsOnceTheCauseIsFixed() throws Exception {
    Path fixed = dir.resolve("fixed");
    try (TemporalServer temporal = TemporalServer.startInProcess();
        DevStack stack = DevStack.start(temporal, 0, 0, dir, Map.of())) {
      send(stack, "{\"order\":42}", "[\"sh\",\"-c\",\"test -f " + fixed + " || { echo config missing; exit 4; }; cat $EVENTS_PATH\"]");
      await("the batch to fail", () -> stack.fly().machinesCreated() == 1 && stack.fly().machinesAlive() == 0
          && stack.sqs().approximateCount(stack.queues().main()) == 0);
      String original = workflowOfFirstMachine(stack);
      assertThrows(WorkflowFailedException.class,
          () -> stack.client().newUntypedWorkflowStub(original).getResult(BatchResult.class));

      Files.createFile(fixed);
      Replayer replayer = new Replayer(stack.client());
      Replayer.Outcome outcome = replayer.replay(original, false);

      String replay = outcome.replay().orElseThrow();
      assertEquals(original + "-replay-1", replay);
      BatchResult result = stack.client().newUntypedWorkflowStub(replay).getResult(BatchResult.class);
      assertEquals(0, result.exit().exitCode());
      assertEquals(List.of("[{\"order\":42}]", "Main child exited normally with code: 0"), result.logTail().lines());
      assertTrue(result.messages().action().contains("replay of " + original), "the original settled the messages");
      assertEquals(original, stack.client().newUntypedWorkflowStub(replay).describe()
          .getMemo(Replayer.MEMO_REPLAY_OF, String.class, String.class));

      Replayer.Outcome again = replayer.replay(original, false);
      assertTrue(again.replay().isEmpty());
      assertTrue(again.note().contains("already replayed as " + replay), again.note());
      assertEquals(original + "-replay-2", replayer.replay(original, true).replay().orElseThrow());
      assertTrue(replayer.replay(replay, false).note().contains("already replayed"), "a replay counts as its original");
    }
  }

  @Test
  void inReleaseModeAFailingMessageIsRetriedBySqsUntilItsRedrivePolicyMovesItToTheDlq() throws Exception {
    try (TemporalServer temporal = TemporalServer.startInProcess();
        DevStack stack = DevStack.start(temporal, 0, 0, dir, Map.of(
            "LAMBDO_ON_FAILURE", "release", "LAMBDO_DLQ_URL", ""))) {
      send(stack, "{\"poison\":true}", "[\"sh\",\"-c\",\"echo always fails; exit 9\"]");
      await("the message to reach the DLQ", () -> stack.sqs().approximateCount(stack.queues().dlq()) == 1
          && stack.sqs().approximateCount(stack.queues().main()) == 0 && stack.fly().machinesAlive() == 0);
      // At most one machine per receive the redrive policy allowed before it moved the message.
      int machines = stack.fly().machinesCreated();
      assertTrue(machines >= 2 && machines <= dev.lambdo.devkit.sqs.EmbeddedSqs.MAX_RECEIVES, "machines: " + machines);
      var dead = stack.sqs().client().receiveMessage(r -> r.queueUrl(stack.queues().dlq())).messages();
      assertEquals("{\"poison\":true}", dead.getFirst().body());
    }
  }
}
