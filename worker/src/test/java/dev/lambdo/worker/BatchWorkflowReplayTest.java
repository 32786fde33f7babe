package dev.lambdo.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Replays recorded histories of every path (success, retry, failure, timeout, cancellation)
 * against today's {@link BatchWorkflowImpl}: a change that would break running workflows fails
 * here. After an intended change, put it behind {@code Workflow.getVersion} and re-record with
 * {@code ./mvnw -pl worker test -Dtest=BatchWorkflowTest -Dlambdo.recordHistories=true}.
 */
class BatchWorkflowReplayTest {
  static final Path HISTORIES = Path.of("src/test/resources/histories");
  /**
   * Names the newest recordings: creates on the paced queue, no slots workflow, long hides and
   * continue-as-new while a machine runs, vanished machines replaced, creates that read the run's input, partial failures, the first renewal at a third of the visibility and timers with summaries, the create's queue chosen by the worker's pacing, machines taken from and given back to warm pools, unpaced creates and the short steps after a machine exits within the workflow task.
   */
  static final String GENERATION = "local-endings";

  static Stream<Path> histories() throws IOException {
    try (Stream<Path> files = Files.list(HISTORIES)) {
      return files.filter(f -> f.toString().endsWith(".json")).sorted().toList().stream();
    }
  }

  @Test
  void everyPathHasARecordedHistory() throws IOException {
    List<String> names = histories().map(p -> p.getFileName().toString()).toList();
    for (String path : List.of("cancellation", "create-kept-hidden", "failure", "retry", "success", "timeout")) {
      assertTrue(names.contains(path + ".json"), "the version before paced creates: " + path);
      assertTrue(names.contains(path + "-paced-creates.json"), "the version before bounded history: " + path);
      assertTrue(names.contains(path + "-bounded-history.json"), "the version before vanished machines were replaced: " + path);
      assertTrue(names.contains(path + "-replace-vanished.json"), "the version before creates read the run's input: " + path);
      assertTrue(names.contains(path + "-events-once.json"), "the version before partial failures: " + path);
      assertTrue(names.contains(path + "-partial-failures.json"), "the version before renewal timers: " + path);
      assertTrue(names.contains(path + "-renewal-timers.json"), "the version before the create's route: " + path);
      assertTrue(names.contains(path + "-create-route.json"), "the version before warm pools: " + path);
      assertTrue(names.contains(path + "-warm-pools.json"), "the version before local creates: " + path);
      assertTrue(names.contains(path + "-local-creates.json"), "the version before local endings: " + path);
      assertTrue(names.contains(path + "-" + GENERATION + ".json"), "today's version: " + path);
    }
    assertTrue(names.contains("vanished-" + GENERATION + ".json"), "a vanished machine replaced");
    assertTrue(names.contains("resumed-" + GENERATION + ".json"), "a long machine handed to a new run");
    assertTrue(names.contains("partial-" + GENERATION + ".json"), "only the failed events run again");
    assertTrue(names.contains("unpaced-warm-pools.json"), "creates on the batch's queue, a retry among them");
    assertTrue(names.contains("unpaced-local-creates.json"), "creates within the workflow task, a retry among them");
    assertTrue(names.contains("unpaced-" + GENERATION + ".json"), "the short steps within the workflow task too");
    assertTrue(names.contains("unpaced-fallback-" + GENERATION + ".json"), "local steps that kept failing, then activities");
    assertTrue(names.contains("pooled-" + GENERATION + ".json"), "a machine taken from a warm pool and given back");
    assertTrue(names.contains("pooled-oom-" + GENERATION + ".json"), "a pooled machine destroyed after an OOM, a retry");
    assertTrue(names.contains("claim-failed-" + GENERATION + ".json"), "a failed claim, the create looking first");
    assertTrue(names.contains("poller-made-" + GENERATION + ".json"), "the first machine made by the poller");
    assertTrue(names.contains("poller-unanswered-" + GENERATION + ".json"), "the poller's create unanswered, looked for");
  }

  @ParameterizedTest
  @MethodSource("histories")
  void replaysWithoutNondeterminism(Path history) throws Exception {
    WorkflowReplayer.replayWorkflowExecution(WorkflowExecutionHistory.fromJson(Files.readString(history)),
        BatchWorkflowImpl.class);
  }

  /** Guards the guard: a workflow that schedules different steps must fail the replay. */
  @Test
  void aChangedWorkflowFailsTheReplay() throws Exception {
    WorkflowExecutionHistory success = WorkflowExecutionHistory.fromJson(Files.readString(HISTORIES.resolve("success.json")));
    Exception e = assertThrows(Exception.class,
        () -> WorkflowReplayer.replayWorkflowExecution(success, ReorderedWorkflow.class));
    assertTrue(String.valueOf(e.getMessage()).contains("NonDeterministic") || String.valueOf(e).contains("NonDeterministic"),
        String.valueOf(e));
  }

  /** The batch workflow with its first step changed, as a careless edit would. */
  public static final class ReorderedWorkflow implements dev.lambdo.workflow.BatchWorkflow {
    @Override
    public dev.lambdo.workflow.BatchResult run(dev.lambdo.event.Batch batch) {
      io.temporal.workflow.Workflow.sleep(java.time.Duration.ofSeconds(1));
      return null;
    }

    @Override
    public void redelivered(List<dev.lambdo.sqs.Receipt> receipts) {}

    @Override
    public void slotGranted() {}
  }
}
