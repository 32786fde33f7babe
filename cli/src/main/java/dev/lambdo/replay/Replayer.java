package dev.lambdo.replay;

import dev.lambdo.event.Batch;
import dev.lambdo.event.Guardrails;
import dev.lambdo.workflow.BatchWorkflow;
import dev.lambdo.workflow.LambdoSearchAttributes;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Re-runs failed batches: a fresh workflow with the same events and machine, id {@code
 * <original>-replay-<n>}, memo {@code replayOf} naming the original. A batch replayed once is not
 * replayed again unless forced; a replay counts as its original, so replaying a failed replay
 * means replaying the original again. A batch beyond the operator's {@link Guardrails} is not
 * replayed, forced or not: a replay does not pass a poller. {@link #decide} starts nothing, so a
 * dry run shows exactly what {@link #start} would do.
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

  /** The failed batches {@code query} matches (ANDed with "failed batches"). */
  public static String failedBatches(String query) {
    return query == null || query.isBlank() ? FAILED_BATCHES_QUERY : FAILED_BATCHES_QUERY + " AND (" + query + ")";
  }

  /**
   * Has the server parse {@code query} as the user wrote it, so that its complaint about a
   * malformed one points into their text, not into the composed query.
   */
  public void checkQuery(String query) {
    client.countWorkflows(query);
  }

  /** How many failed batch workflows (originals and failed replays) the query matches now. */
  public long countMatching(String query) {
    return client.countWorkflows(failedBatches(query)).getCount();
  }

  /**
   * The originals of the failed batches the query matches, each once, as the listing pages in:
   * a failed replay stands for its original.
   */
  public Stream<String> originalsMatching(String query) {
    return client.listExecutions(failedBatches(query))
        .map(run -> Optional.ofNullable(run.getMemo(MEMO_REPLAY_OF, String.class, String.class))
            .orElse(run.getExecution().getWorkflowId()))
        .distinct();
  }

  /** Replays every failed batch the query matches (ANDed with "failed batches"), each original once. */
  public List<Outcome> replayMatching(String query, boolean force) {
    return originalsMatching(query).map(original -> replay(original, force)).toList();
  }

  /** Replays one batch now, if it should be: {@link #decide}, then {@link #start}. */
  public Outcome replay(String workflowId, boolean force) {
    return switch (decide(workflowId, force)) {
      case Decision.Replay r -> start(r);
      case Decision.Skip s -> new Outcome(s.original(), Optional.empty(), s.reason());
      case Decision.Refuse r -> new Outcome(r.original(), Optional.empty(), r.reason());
    };
  }

  /** What replaying {@code workflowId} would do; reads the server, starts nothing. */
  public Decision decide(String workflowId, boolean force) {
    WorkflowExecutionDescription original;
    try {
      original = client.newUntypedWorkflowStub(workflowId).describe();
    } catch (WorkflowNotFoundException e) {
      return new Decision.Refuse(workflowId, "no such workflow");
    }
    if (!"BatchWorkflow".equals(original.getWorkflowType())) {
      return new Decision.Refuse(workflowId, "not a batch workflow but " + original.getWorkflowType());
    }
    String replayOf = original.getMemo(MEMO_REPLAY_OF, String.class, String.class);
    if (replayOf != null) {
      return decide(replayOf, force);
    }
    WorkflowExecutionStatus status = original.getStatus();
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return new Decision.Skip(workflowId, "still running");
    }
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED && !force) {
      return new Decision.Skip(workflowId, "it succeeded; --force replays it anyway");
    }
    int n = 1;
    while (exists(replayId(workflowId, n))) {
      if (!force) {
        return new Decision.Skip(workflowId,
            "already replayed as " + replayId(workflowId, n) + "; --force replays it again");
      }
      n++;
    }
    Batch batch = inputOf(workflowId).asReplayOf(workflowId);
    Optional<String> refused = guardrails.refusal(batch.spec());
    if (refused.isPresent()) {
      return new Decision.Refuse(workflowId, "beyond the guardrails: " + refused.get());
    }
    return new Decision.Replay(workflowId, replayId(workflowId, n), batch, original.getTaskQueue());
  }

  /** Starts the replay decided on; another replayer that got there first makes it a no-op. */
  public Outcome start(Decision.Replay replay) {
    WorkflowOptions options = WorkflowOptions.newBuilder()
        .setWorkflowId(replay.replayId())
        .setTaskQueue(replay.taskQueue())
        .setMemo(Map.of(MEMO_REPLAY_OF, replay.original()))
        .setTypedSearchAttributes(SearchAttributes.newBuilder()
            .set(LambdoSearchAttributes.IMAGE, replay.batch().spec().image())
            .set(LambdoSearchAttributes.MESSAGE_IDS, replay.batch().messageIds())
            .build())
        .setStaticSummary("replay of " + replay.original() + ": " + replay.batch().summary())
        .build();
    try {
      WorkflowClient.start(client.newWorkflowStub(BatchWorkflow.class, options)::run, replay.batch());
    } catch (WorkflowExecutionAlreadyStarted e) {
      return new Outcome(replay.original(), Optional.empty(),
          "already replayed as " + replay.replayId() + " a moment ago, by another replay");
    }
    return new Outcome(replay.original(), Optional.of(replay.replayId()), "replay started");
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
