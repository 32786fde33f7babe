package dev.lambdo.poller;

import io.temporal.client.WorkflowClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Counts running batches on the server's visibility store, across every poller. The store is
 * written shortly after a start, so this poller's own starts it does not list yet are added:
 * exactly ({@link #count()}: a query for which of them it lists, then the count), or all of them
 * ({@link #quickCount()}: the count alone). On a loaded dev server the first query took ~70 ms
 * and the count ~23 ms, a round's largest wait before its starts.
 */
final class ServerRunningBatches implements RunningBatches {
  static final String QUERY = "WorkflowType = 'BatchWorkflow' AND ExecutionStatus = 'Running'";

  private final WorkflowClient client;
  /**
   * A start the store has not listed after this long is no longer waited for: it has closed
   * already, or the store is behind, and either way the pollers must not stall on it.
   */
  static final Duration FORGET_UNSEEN_AFTER = Duration.ofSeconds(10);

  /** Started here, not yet listed by the visibility store: workflow id → when. */
  private final Map<String, Long> unseen = new ConcurrentHashMap<>();

  ServerRunningBatches(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public void started(String workflowId) {
    unseen.put(workflowId, System.nanoTime());
  }

  @Override
  public int unseen() {
    return unseen.size();
  }

  @Override
  public int quickCount() {
    forgetOld();
    return (int) client.countWorkflows(QUERY).getCount() + unseen.size();
  }

  @Override
  public int unconfirmed() {
    return unseen.size();
  }

  private void forgetOld() {
    long forget = System.nanoTime() - FORGET_UNSEEN_AFTER.toNanos();
    unseen.values().removeIf(at -> at < forget);
  }

  @Override
  public int count() {
    forgetOld();
    if (!unseen.isEmpty()) {
      List<String> ids = List.copyOf(unseen.keySet());
      String listed = ids.stream().map(id -> "'" + id.replace("'", "") + "'")
          .collect(Collectors.joining(",", "WorkflowId IN (", ")"));
      // Listed in any state: one that already closed is no longer running, and not counted.
      // Before the count, so a start the store lists in between is counted twice, never not at all.
      client.listExecutions(listed).forEach(e -> unseen.remove(e.getExecution().getWorkflowId()));
    }
    return (int) client.countWorkflows(QUERY).getCount() + unseen.size();
  }
}
