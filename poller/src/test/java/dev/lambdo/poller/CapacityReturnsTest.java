package dev.lambdo.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.lambdo.event.Batch;
import dev.lambdo.sqs.Receipt;
import dev.lambdo.workflow.BatchResult;
import dev.lambdo.workflow.BatchWorkflow;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The machine limit counts running batch workflows, so a batch that ends in any way gives its
 * place back at once: no slot to release, nothing to prune. Here with a batch workflow that holds
 * its machine until told, on the time-skipping test server, counted as the poller counts there.
 * (That server cannot reset a workflow; a reset ends the old run and starts one new one, so the
 * count of running batches holds one place for it, never two.)
 */
class CapacityReturnsTest {
  @RegisterExtension
  static final TestWorkflowExtension temporal = TestWorkflowExtension.newBuilder()
      .registerWorkflowImplementationTypes(HoldingBatch.class).build();

  /** Holds its machine for a day, as a long job does. */
  public static final class HoldingBatch implements BatchWorkflow {
    @Override
    public BatchResult run(Batch batch) {
      Workflow.sleep(Duration.ofDays(1));
      return null;
    }

    @Override
    public void redelivered(List<Receipt> receipts) {}

    @Override
    public void slotGranted() {}
  }

  private static WorkflowStub start(WorkflowClient client, Worker worker, MachineLimit limit) {
    String id = "lambdo-" + UUID.randomUUID();
    BatchWorkflow batch = client.newWorkflowStub(BatchWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).setWorkflowId(id).build());
    WorkflowClient.start(batch::run, (Batch) null);
    limit.admitted(id);
    return WorkflowStub.fromTyped(batch);
  }

  private static MachineLimit limitOfOne(WorkflowClient client) {
    return new MachineLimit(1, new LocalRunningBatches(client));
  }

  @Test
  void aTerminatedBatchGivesItsPlaceBack(WorkflowClient client, Worker worker) {
    MachineLimit limit = limitOfOne(client);
    WorkflowStub batch = start(client, worker, limit);
    assertEquals(0, limit.room(1));

    batch.terminate("operator");

    assertEquals(1, limit.room(1));
  }

  @Test
  void aCancelledBatchGivesItsPlaceBack(WorkflowClient client, Worker worker, TestWorkflowEnvironment env) {
    MachineLimit limit = limitOfOne(client);
    WorkflowStub batch = start(client, worker, limit);
    assertEquals(0, limit.room(1));

    batch.cancel();
    env.sleep(Duration.ofSeconds(1));

    assertEquals(1, limit.room(1));
  }
}
