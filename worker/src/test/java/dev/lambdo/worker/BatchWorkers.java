package dev.lambdo.worker;

import dev.lambdo.pool.Pools;
import dev.lambdo.workflow.BatchWorkflow;
import dev.lambdo.workflow.MachineActivities;
import dev.lambdo.workflow.MessageActivities;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;

/** The batch workflow on a test server, its activities (mocks, say) on its queue and the paced create queue. */
final class BatchWorkers {
  private BatchWorkers() {}

  static BatchWorkflow start(TestWorkflowEnvironment env, Worker worker, WorkflowClient client,
      MachineActivities machines, MessageActivities messages, String workflowId) {
    worker.registerWorkflowImplementationTypes(BatchWorkflowImpl.class);
    worker.registerActivitiesImplementations(machines, messages);
    env.newWorker(MachineActivities.createQueue(worker.getTaskQueue())).registerActivitiesImplementations(machines);
    env.start();
    return client.newWorkflowStub(BatchWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).setWorkflowId(workflowId).build());
  }

  /**
   * The batch workflow with creates unpaced (local activities, no create queue) and the warm pools
   * {@code pools}, its activities on its queue, as workflow {@code lambdo-test}.
   */
  static BatchWorkflow startUnpaced(TestWorkflowEnvironment env, Worker worker, WorkflowClient client, Pools pools,
      Object... activities) {
    worker.registerWorkflowImplementationFactory(BatchWorkflow.class,
        () -> new BatchWorkflowImpl(CreateRoute.UNPACED, null, pools));
    worker.registerActivitiesImplementations(activities);
    env.start();
    return client.newWorkflowStub(BatchWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).setWorkflowId("lambdo-test").build());
  }
}
