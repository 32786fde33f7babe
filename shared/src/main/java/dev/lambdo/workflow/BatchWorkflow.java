package dev.lambdo.workflow;

import dev.lambdo.event.Batch;
import dev.lambdo.sqs.Receipt;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/** Runs one batch of events on a fresh Fly Machine, retrying on fresh machines, then settles the messages. */
@WorkflowInterface
public interface BatchWorkflow {
  @WorkflowMethod
  BatchResult run(Batch batch);

  /** SQS delivered some of the batch's messages again: later deletes must use these handles. */
  @SignalMethod
  void redelivered(List<Receipt> receipts);

  /** The machine slots workflow let this batch create a machine. */
  @SignalMethod
  void slotGranted();
}
