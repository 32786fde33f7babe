package dev.lambdo.poller;

import io.temporal.client.WorkflowClient;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Counts running batches on the server's visibility store, across every poller. The store is
 * written shortly after a start, so this poller's own starts it does not list yet are added.
 */
final class ServerRunningBatches implements RunningBatches {
  static final String QUERY = "WorkflowType = 'BatchWorkflow' AND ExecutionStatus = 'Running'";

  private final WorkflowClient client;
  /** Started here, not yet listed by the visibility store. */
  private final Set<String> unseen = ConcurrentHashMap.newKeySet();

  ServerRunningBatches(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public void started(String workflowId) {
    unseen.add(workflowId);
  }

  @Override
  public int unseen() {
    return unseen.size();
  }

  @Override
  public int count() {
    int running = (int) client.countWorkflows(QUERY).getCount();
    if (!unseen.isEmpty()) {
      List<String> ids = List.copyOf(unseen);
      String listed = ids.stream().map(id -> "'" + id.replace("'", "") + "'")
          .collect(Collectors.joining(",", "WorkflowId IN (", ")"));
      // Listed in any state: one that already closed is no longer running, and not counted.
      client.listExecutions(listed).forEach(e -> unseen.remove(e.getExecution().getWorkflowId()));
    }
    return running + unseen.size();
  }
}
