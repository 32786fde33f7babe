package dev.lambdo.devkit.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.config.OnFailure;
import dev.lambdo.devkit.temporal.TemporalServer;
import dev.lambdo.event.Batch;
import dev.lambdo.event.Guest;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.event.QueuedEvent;
import dev.lambdo.workflow.BatchWorkflow;
import dev.lambdo.workflow.LambdoSearchAttributes;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code lambdo replay} against the real Temporal dev server (the {@code temporal} CLI), whose
 * visibility store answers queries: dry run, limit, skips, malformed queries and exit codes.
 * Failed batches are made by terminating batch workflows no worker ever ran.
 */
class ReplayCommandIntegrationTest {
  @TempDir static Path dir;
  private static TemporalServer temporal;
  private static WorkflowClient client;
  private static Map<String, String> env;

  @BeforeAll
  static void start() throws Exception {
    temporal = TemporalServer.startCli(dir, false);
    client = temporal.client();
    env = Map.of("TEMPORAL_ADDRESS", temporal.address());
  }

  @AfterAll
  static void stop() {
    temporal.close();
  }

  /** A batch of {@code image} that ended without success, findable by its image. */
  private static String failedBatch(String id, String image) {
    MachineSpec spec = new MachineSpec(image, "shared-cpu-1x", Guest.cpu("shared", 1, 256), null, null, null, 60, 0);
    Batch batch = new Batch("q", spec, List.of(new QueuedEvent("m-" + id, "h", "{}", 1)), OnFailure.ACK);
    BatchWorkflow stub = client.newWorkflowStub(BatchWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue("nobody").setWorkflowId(id)
        .setTypedSearchAttributes(SearchAttributes.newBuilder().set(LambdoSearchAttributes.IMAGE, image).build())
        .build());
    WorkflowClient.start(stub::run, batch);
    WorkflowStub.fromTyped(stub).terminate("failed");
    return id;
  }

  private static void awaitListed(String query, long count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (client.countWorkflows(query).getCount() != count) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("visibility never listed " + count + " for " + query);
      }
      Thread.sleep(100);
    }
  }

  private static boolean exists(String workflowId) {
    try {
      client.newUntypedWorkflowStub(workflowId).describe();
      return true;
    } catch (WorkflowNotFoundException e) {
      return false;
    }
  }

  @Test
  void aDryRunSaysWhatWouldHappenAndStartsNothing() throws Exception {
    failedBatch("lambdo-dry-1", "img:dry");
    failedBatch("lambdo-dry-2", "img:dry");
    awaitListed("LambdoImage = 'img:dry'", 2);

    CliRun run = CliRun.of(env, "replay", "--dry-run", "--query", "LambdoImage = 'img:dry'");

    assertEquals(0, run.exitCode(), run.toString());
    assertTrue(run.out().startsWith("2 failed batch workflow(s) match\n"), run.toString());
    assertTrue(run.out().contains("/2] lambdo-dry-1  would be replayed as lambdo-dry-1-replay-1"), run.toString());
    assertTrue(run.out().contains("2 batch(es): 2 would be replayed, 0 skipped, 0 not replayable (dry run: nothing was started)"),
        run.toString());
    assertFalse(exists("lambdo-dry-1-replay-1") || exists("lambdo-dry-2-replay-1"), "a dry run starts nothing");
  }

  @Test
  void aLimitReplaysThatManyAndARerunGoesOnWithTheNext() throws Exception {
    failedBatch("lambdo-limit-1", "img:limit");
    failedBatch("lambdo-limit-2", "img:limit");
    awaitListed("LambdoImage = 'img:limit'", 2);

    CliRun first = CliRun.of(env, "replay", "--limit", "1", "--query", "LambdoImage = 'img:limit'");
    CliRun second = CliRun.of(env, "replay", "--limit", "1", "--query", "LambdoImage = 'img:limit'");
    CliRun third = CliRun.of(env, "replay", "--limit", "1", "--query", "LambdoImage = 'img:limit'");

    assertEquals(0, first.exitCode(), first.toString());
    assertTrue(first.out().contains("stopped at --limit 1"), first.toString());
    assertTrue(first.out().contains("1 batch(es): 1 replayed, 0 skipped"), first.toString());
    assertTrue(second.out().contains("2 batch(es): 1 replayed, 1 skipped"), second.toString());
    assertTrue(exists("lambdo-limit-1-replay-1") && exists("lambdo-limit-2-replay-1"));
    assertEquals(0, third.exitCode(), "all skipped is done, not a failure: " + third);
    assertTrue(third.out().contains("2 batch(es): 0 replayed, 2 skipped"), third.toString());
  }

  @Test
  void aSkipIsExit0AndOnlyABatchThatCannotBeReplayedIsExit1() throws Exception {
    String replayed = failedBatch("lambdo-skip-1", "img:skip");
    assertEquals(0, CliRun.of(env, "replay", "--workflow-id", replayed).exitCode());

    CliRun again = CliRun.of(env, "replay", "--workflow-id", replayed);
    CliRun missing = CliRun.of(env, "replay", "--workflow-id", replayed, "--workflow-id", "lambdo-nope");

    assertEquals(0, again.exitCode(), again.toString());
    assertTrue(again.out().contains("[1/1] lambdo-skip-1  skipped: already replayed as lambdo-skip-1-replay-1"), again.toString());
    assertEquals(1, missing.exitCode(), missing.toString());
    assertTrue(missing.out().contains("[2/2] lambdo-nope  NOT replayed: no such workflow"), missing.toString());
  }

  @Test
  void aMalformedQueryIsAUsageErrorAboutWhatTheUserTyped() {
    CliRun run = CliRun.of(env, "replay", "--query", "LambdoImage = 'img:x' AND (");

    assertEquals(2, run.exitCode(), run.toString());
    assertTrue(run.err().startsWith("lambdo replay: --query is not a query Temporal takes: "), run.toString());
    assertFalse(run.err().contains("WorkflowType"), "the message is about the user's query, not the composed one: " + run);
    assertTrue(run.err().contains("syntax error at character 28:\n  LambdoImage = 'img:x' AND (\n"),
        "the position is a character of what the user typed (28 is just past it): " + run);
    assertFalse(run.err().contains("\tat "), run.toString());
  }

  @Test
  void anUnreachableServerIsExit3NamingIt() {
    CliRun run = CliRun.of(Map.of("TEMPORAL_ADDRESS", "127.0.0.1:1"), "replay", "--workflow-id", "lambdo-x");

    assertEquals(3, run.exitCode(), run.toString());
    assertTrue(run.err().startsWith("lambdo replay: could not reach Temporal at 127.0.0.1:1 (TEMPORAL_ADDRESS)"), run.toString());
    assertFalse(run.out().contains("batch(es)"), "no summary when nothing was done: " + run);
  }
}
