package dev.lambdo.poller;

import io.temporal.client.WorkflowClient;

/** Counts running batches on the server's visibility store, across every poller. */
final class ServerRunningBatches implements RunningBatches {
  static final String QUERY = "WorkflowType = 'BatchWorkflow' AND ExecutionStatus = 'Running'";

  private final WorkflowClient client;

  ServerRunningBatches(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public int count() {
    return (int) client.countWorkflows(QUERY).getCount();
  }
}
