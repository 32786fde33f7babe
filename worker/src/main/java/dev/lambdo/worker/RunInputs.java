package dev.lambdo.worker;

import dev.lambdo.event.Batch;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.client.WorkflowClient;
import java.util.List;
import java.util.Optional;

/**
 * Reads a batch workflow run's input from the first event of its history, so activities need not
 * carry the events again: a batch's events then take history space once per run.
 */
public final class RunInputs {
  private final WorkflowClient temporal;

  public RunInputs(WorkflowClient temporal) {
    this.temporal = temporal;
  }

  public Batch batchOf(String workflowId, String runId) {
    GetWorkflowExecutionHistoryRequest request = GetWorkflowExecutionHistoryRequest.newBuilder()
        .setNamespace(temporal.getOptions().getNamespace())
        .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId))
        .setMaximumPageSize(1)
        .build();
    List<HistoryEvent> events = temporal.getWorkflowServiceStubs().blockingStub()
        .getWorkflowExecutionHistory(request).getHistory().getEventsList();
    if (events.isEmpty() || !events.getFirst().hasWorkflowExecutionStartedEventAttributes()) {
      throw new IllegalStateException("no start event in the history of " + workflowId + " run " + runId);
    }
    var input = events.getFirst().getWorkflowExecutionStartedEventAttributes().getInput();
    return temporal.getOptions().getDataConverter().fromPayloads(0, Optional.of(input), Batch.class, Batch.class);
  }
}
