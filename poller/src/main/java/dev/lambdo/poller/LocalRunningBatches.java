package dev.lambdo.poller;

import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts the batches this poller started that still run, for servers without a visibility count
 * (the Java test server). The limit then holds per poller, not across pollers.
 */
final class LocalRunningBatches implements RunningBatches {
  private final WorkflowClient client;
  private final Set<String> running = ConcurrentHashMap.newKeySet();

  LocalRunningBatches(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public void started(String workflowId) {
    running.add(workflowId);
  }

  @Override
  public int count() {
    for (Iterator<String> it = running.iterator(); it.hasNext(); ) {
      WorkflowExecutionStatus status =
          client.newUntypedWorkflowStub(it.next()).describe().getStatus();
      if (status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
        it.remove();
      }
    }
    return running.size();
  }
}
