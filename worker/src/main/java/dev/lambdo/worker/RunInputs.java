package dev.lambdo.worker;

import dev.lambdo.event.Batch;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest;
import io.temporal.client.WorkflowClient;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A batch workflow run's input, for its creates: they need not carry the events again, so a
 * batch's events take history space once per run.
 *
 * <p>The run's workflow code hands its input here as it starts ({@link #remember}); a create that
 * runs on the same worker — on the unpaced route with eager dispatch, nearly all of them — takes
 * it from memory. Any other reads the first event of the run's history (measured at 4-7 ms in the
 * bench, as long as Fly's create call there). Runs are held weakly: the worker's workflow cache
 * decides how long a run's input stays reachable, and a released entry goes at the next {@link
 * #remember}.
 */
public final class RunInputs implements BatchLookup {
  private final WorkflowClient temporal;
  private final Map<String, RunReference> held = new ConcurrentHashMap<>();
  private final ReferenceQueue<Batch> released = new ReferenceQueue<>();

  public RunInputs(WorkflowClient temporal) {
    this.temporal = temporal;
  }

  /** Called by the run's workflow code: a side effect nothing in the workflow depends on. */
  public void remember(String runId, Batch batch) {
    forgetReleased();
    held.put(runId, new RunReference(runId, batch, released));
  }

  @Override
  public Batch batchOf(String workflowId, String runId) {
    RunReference reference = held.get(runId);
    Batch batch = reference == null ? null : reference.get();
    return batch != null ? batch : fromHistory(workflowId, runId);
  }

  /** Runs held now; for tests. */
  int held() {
    forgetReleased();
    return held.size();
  }

  private void forgetReleased() {
    for (Reference<? extends Batch> r; (r = released.poll()) != null; ) {
      held.remove(((RunReference) r).runId, r);
    }
  }

  private Batch fromHistory(String workflowId, String runId) {
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

  private static final class RunReference extends WeakReference<Batch> {
    final String runId;

    RunReference(String runId, Batch batch, ReferenceQueue<Batch> queue) {
      super(batch, queue);
      this.runId = runId;
    }
  }
}
