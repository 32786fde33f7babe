package dev.lambdo.poller;

import dev.lambdo.config.OnFailure;
import dev.lambdo.event.Batch;
import dev.lambdo.event.QueuedEvent;
import dev.lambdo.sqs.Receipt;
import dev.lambdo.sqs.SqsQueue;
import dev.lambdo.workflow.BatchWorkflow;
import dev.lambdo.workflow.LambdoSearchAttributes;
import dev.lambdo.workflow.WorkflowIds;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.SearchAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one workflow per batch with an id derived from its message ids, so a retried start is a
 * no-op. When the workflow exists already (the same messages came again), a running one gets the
 * new receipt handles by signal and a finished one only needs the messages deleted.
 */
final class BatchStarter {
  private static final Logger log = LoggerFactory.getLogger(BatchStarter.class);
  /**
   * SQS's longest visibility timeout (12 hours from the receive), less a margin. A running batch's
   * message shows again only when its renewals lapsed (its worker is down); each receive counts
   * toward the queue's maxReceiveCount, and redrive would dead-letter a message whose batch still
   * runs. Held this long, it takes maxReceiveCount × 12 hours of outage for that to happen.
   */
  static final Duration HOLD_FOR_RUNNING_BATCH = Duration.ofHours(12).minusMinutes(1);

  private final WorkflowClient client;
  private final SqsQueue sqs;
  private final String queueUrl;
  private final String taskQueue;
  private final PollerMetrics metrics;
  private final boolean eager;
  private final FirstMachines firstMachines;

  BatchStarter(WorkflowClient client, SqsQueue sqs, String queueUrl, String taskQueue, PollerMetrics metrics) {
    this(client, sqs, queueUrl, taskQueue, metrics, false, FirstMachines.NONE);
  }

  /**
   * @param eager ask the server to answer each start with the batch's first workflow task, for a
   *     worker of {@code client} in this process ({@link Pollers#besideWorker})
   * @param firstMachines makes a new batch's first machine before its start
   */
  BatchStarter(WorkflowClient client, SqsQueue sqs, String queueUrl, String taskQueue, PollerMetrics metrics,
      boolean eager, FirstMachines firstMachines) {
    this.eager = eager;
    this.firstMachines = firstMachines;
    this.client = client;
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.taskQueue = taskQueue;
    this.metrics = metrics;
  }

  /**
   * @return the workflow id, whether this call started it or it existed already; empty when the
   *     batch must wait: its failed run has just closed and the server does not yet take its id
   */
  Optional<String> start(Batch batch) {
    String workflowId = WorkflowIds.forMessages(batch.messageIds());
    SearchAttributes.Builder attributes = SearchAttributes.newBuilder()
        .set(LambdoSearchAttributes.IMAGE, batch.spec().image())
        .set(LambdoSearchAttributes.MESSAGE_IDS, batch.messageIds());
    if (batch.spec().region() != null) {
      attributes.set(LambdoSearchAttributes.REGION, batch.spec().region());
    }
    WorkflowOptions options = WorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(taskQueue)
        // Released messages come back for another try: only then may a failed batch run again.
        .setWorkflowIdReusePolicy(batch.onFailure() == OnFailure.RELEASE
            ? WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY
            : WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
        .setTypedSearchAttributes(attributes.build())
        .setStaticSummary(batch.summary())
        // Eager: the batch's create starts without the server's dispatch of its first task. The
        // SDK asks only while a worker of this client has a free slot for the task queue.
        .setDisableEagerExecution(!eager)
        .build();
    BatchWorkflow workflow = client.newWorkflowStub(BatchWorkflow.class, options);
    // Messages received for the first time belong to no batch yet, so this start makes the run
    // that takes up the machine. One received before may have run under another grouping.
    Batch input = firstMachines.madeFor(workflowId, batch);
    try {
      WorkflowClient.start(workflow::run, input);
      metrics.batchStarted();
      log.info("started {}: {}", workflowId, batch.summary());
    } catch (WorkflowExecutionAlreadyStarted e) {
      firstMachines.discard(workflowId, input);
      if (!alreadyKnown(workflowId, batch.events(), batch.onFailure())) {
        log.info("{} cannot run again yet: its last run is closing", workflowId);
        return Optional.empty();
      }
    } catch (RuntimeException e) {
      if (input.firstCreate() != null) {
        // The start may have made the run after all (its answer lost): the reaper knows if not.
        log.warn("{}: the start failed after its first machine's create; a machine made runs until the reaper finds"
            + " no run for it", workflowId);
      }
      throw e;
    }
    return Optional.of(workflowId);
  }

  /**
   * The messages belong to an existing batch workflow: a running one gets the new handles, a
   * finished one only needs them deleted. Released messages of a failed batch are the exception:
   * they are back for another try.
   *
   * @return false when the messages should run again
   */
  boolean alreadyKnown(String workflowId, List<QueuedEvent> events, OnFailure onFailure) {
    List<Receipt> receipts = events.stream().map(e -> new Receipt(e.messageId(), e.receiptHandle())).toList();
    WorkflowStub stub = client.newUntypedWorkflowStub(workflowId);
    WorkflowExecutionStatus status = stub.describe().getStatus();
    if (status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      try {
        stub.signal("redelivered", receipts);
        sqs.changeVisibility(queueUrl, receipts, HOLD_FOR_RUNNING_BATCH)
            .forEach(f -> log.warn("could not hold message {} of running {}: {}", f.messageId(), workflowId, f));
        log.info("{} already runs (its renewals lapsed: is a worker down?): gave it {} new receipt handle(s),"
            + " hidden for {} h", workflowId, receipts.size(), HOLD_FOR_RUNNING_BATCH.toHours());
        return true;
      } catch (WorkflowNotFoundException justClosed) {
        status = stub.describe().getStatus();
      }
    }
    if (onFailure == OnFailure.RELEASE && status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
      log.info("{} ended {} and released its messages: they run again", workflowId, status);
      return false;
    }
    sqs.delete(queueUrl, receipts)
        .forEach(f -> log.warn("could not delete message {} of finished {}: {}", f.messageId(), workflowId, f));
    log.info("{} already finished ({}): deleted {} redelivered message(s)", workflowId, status, receipts.size());
    return true;
  }

  /**
   * The batch workflow a message already belongs to, found by the {@code LambdoMessageIds}
   * search attribute. Empty when there is none, or when the server cannot search (the Java test
   * server): the start is then deduplicated by workflow id alone.
   */
  Optional<String> workflowOf(String messageId) {
    String query = LambdoSearchAttributes.MESSAGE_IDS.getName() + " = '" + messageId.replace("'", "") + "'";
    try {
      return client.listExecutions(query).findFirst().map(m -> m.getExecution().getWorkflowId());
    } catch (RuntimeException e) {
      log.debug("cannot search for message {}: {}", messageId, e.getMessage());
      return Optional.empty();
    }
  }
}
