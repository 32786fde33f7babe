package dev.lambdo.poller;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.client.WorkflowClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's count of running batches (shared by every poller) when the server can count, else
 * this poller's own; decided by the first answer the server gives, not by whether it could be
 * reached when the poller started. Until then a failed count fails the poller's round, which the
 * poll loop tries again after a pause, and starts are told to both.
 */
final class ProbedRunningBatches implements RunningBatches {
  private static final Logger log = LoggerFactory.getLogger(ProbedRunningBatches.class);

  private final ServerRunningBatches server;
  private final LocalRunningBatches local;
  private volatile RunningBatches chosen;

  ProbedRunningBatches(WorkflowClient client) {
    this.server = new ServerRunningBatches(client);
    this.local = new LocalRunningBatches(client);
  }

  @Override
  public int count() {
    RunningBatches decided = chosen;
    if (decided != null) {
      return decided.count();
    }
    try {
      int count = server.count();
      chosen = server;
      return count;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.UNIMPLEMENTED) {
        throw e;
      }
      log.warn("the Temporal server cannot count workflows ({}); the concurrency limit holds per poller",
          e.getStatus().getCode());
      chosen = local;
      return local.count();
    }
  }

  @Override
  public int quickCount() {
    RunningBatches decided = chosen;
    return decided != null ? decided.quickCount() : count();
  }

  @Override
  public int unconfirmed() {
    RunningBatches decided = chosen;
    return decided != null ? decided.unconfirmed() : server.unconfirmed();
  }

  @Override
  public void started(String workflowId) {
    RunningBatches decided = chosen;
    if (decided != null) {
      decided.started(workflowId);
    } else {
      server.started(workflowId);
      local.started(workflowId);
    }
  }

  @Override
  public int unseen() {
    RunningBatches decided = chosen;
    return decided != null ? decided.unseen() : server.unseen();
  }

  /** Which count is used; for tests and logs. */
  String mode() {
    RunningBatches decided = chosen;
    return decided == null ? "not decided" : decided == server ? "the server's" : "this poller's own";
  }
}
