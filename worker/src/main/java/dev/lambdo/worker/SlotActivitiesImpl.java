package dev.lambdo.worker;

import dev.lambdo.workflow.SlotActivities;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.util.ArrayList;
import java.util.List;

/** Asks the server which batches still run. */
public final class SlotActivitiesImpl implements SlotActivities {
  private final WorkflowClient client;

  public SlotActivitiesImpl(WorkflowClient client) {
    this.client = client;
  }

  @Override
  public List<String> closedWorkflows(List<String> workflowIds) {
    List<String> closed = new ArrayList<>();
    for (String id : workflowIds) {
      try {
        WorkflowExecutionStatus status = client.newUntypedWorkflowStub(id).describe().getStatus();
        if (status != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
          closed.add(id);
        }
      } catch (WorkflowNotFoundException e) {
        closed.add(id);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
          closed.add(id);
        } else {
          throw e;
        }
      }
    }
    return closed;
  }
}
