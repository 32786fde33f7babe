package dev.lambdo.replay;

import dev.lambdo.event.Batch;
import dev.lambdo.event.Guardrails;
import dev.lambdo.workflow.BatchWorkflow;
import dev.lambdo.workflow.LambdoSearchAttributes;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Re-runs failed batches: a fresh workflow with the same events and machine, id {@code
 * <original>-replay-<n>}, memo {@code replayOf} naming the original. A batch replayed once is not
 * replayed again unless forced; a replay counts as its original, so replaying a failed replay
 * means replaying the original again. A batch beyond the operator's {@link Guardrails} is not
 * replayed, forced or not: a replay does not pass a poller.
 */
public final class Replayer {
  public static final String MEMO_REPLAY_OF = "replayOf";
  /** Batches that ended without success: failed, timed out, terminated or cancelled. */
  public static final String FAILED_BATCHES_QUERY =
      "WorkflowType = 'BatchWorkflow' AND ExecutionStatus != 'Running' AND ExecutionStatus != 'Completed'";

  /** What became of one batch: the replay's id, or why there is none. */
  public record Outcome(String original, Optional<String> replay, String note) {}

  private final WorkflowClient client;
  private final Guardrails guardrails;

  public Replayer(WorkflowClient client) {
    this(client, Guardrails.NONE);
  }

  /** @param guardrails the fences the pollers hold messages to; a replay does not pass a poller */
  public Replayer(WorkflowClient client, Guardrails guardrails) {
    this.client = client;
    this.guardrails = guardrails;
  }

  /** Replays every failed batch the visibility query matches (ANDed with "failed batches"). */
  public List<Outcome> replayMatching(String query, boolean force) {
    String full = FAILED_BATCHES_QUERY + (query == null || query.isBlank() ? "" : " AND (" + query + ")");
    return client.listExecutions(full)
        .map(run -> Optional.ofNullable(run.getMemo(MEMO_REPLAY_OF, String.class, String.class))
            .orElse(run.getExecution().getWorkflowId()))
        .distinct()
        .map(original -> replay(original, force))
        .toList();
  }

  public Outcome replay(String workflowId, boolean force) {
    WorkflowExecutionDescription original;
    try {
      original = client.newUntypedWorkflowStub(workflowId).describe();
    } catch (WorkflowNotFoundException e) {
      return new Outcome(workflowId, Optional.empty(), "no such workflow");
    }
    if (!"BatchWorkflow".equals(original.getWorkflowType())) {
      return new Outcome(workflowId, Optional.empty(), "not a batch workflow but " + original.getWorkflowType());
    }
    String replayOf = original.getMemo(MEMO_REPLAY_OF, String.class, String.class);
    if (replayOf != null) {
      return replay(replayOf, force);
    }
    WorkflowExecutionStatus status = original.getStatus();
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return new Outcome(workflowId, Optional.empty(), "still running");
    }
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED && !force) {
      return new Outcome(workflowId, Optional.empty(), "it succeeded; --force replays it anyway");
    }
    int n = 1;
    while (exists(replayId(workflowId, n))) {
      if (!force) {
        return new Outcome(workflowId, Optional.empty(), "already replayed as " + replayId(workflowId, n) + "; --force replays it again");
      }
      n++;
    }
    Batch batch = inputOf(workflowId).asReplayOf(workflowId);
    Optional<String> refused = guardrails.refusal(batch.spec());
    if (refused.isPresent()) {
      return new Outcome(workflowId, Optional.empty(), "beyond the guardrails: " + refused.get());
    }
    String id = replayId(workflowId, n);
    WorkflowOptions options = WorkflowOptions.newBuilder()
        .setWorkflowId(id)
        .setTaskQueue(original.getTaskQueue())
        .setMemo(Map.of(MEMO_REPLAY_OF, workflowId))
        .setTypedSearchAttributes(SearchAttributes.newBuilder()
            .set(LambdoSearchAttributes.IMAGE, batch.spec().image())
            .set(LambdoSearchAttributes.MESSAGE_IDS, batch.messageIds())
            .build())
        .setStaticSummary("replay of " + workflowId + ": " + batch.summary())
        .build();
    WorkflowClient.start(client.newWorkflowStub(BatchWorkflow.class, options)::run, batch);
    return new Outcome(workflowId, Optional.of(id), "replay started");
  }

  static String replayId(String original, int n) {
    return original + "-replay-" + n;
  }

  private boolean exists(String workflowId) {
    try {
      client.newUntypedWorkflowStub(workflowId).describe();
      return true;
    } catch (WorkflowNotFoundException e) {
      return false;
    }
  }

  /** The batch the original was started with: the input of its first history event. */
  private Batch inputOf(String workflowId) {
    HistoryEvent started = client.fetchHistory(workflowId).getEvents().getFirst();
    return client.getOptions().getDataConverter().fromPayloads(0,
        Optional.of(started.getWorkflowExecutionStartedEventAttributes().getInput()), Batch.class, Batch.class);
  }
}
