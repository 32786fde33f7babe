package dev.lambdo.reaper;

import dev.lambdo.fly.FlyClient;
import dev.lambdo.fly.Machine;
import dev.lambdo.pool.WarmPool;
import dev.lambdo.workflow.MachineMetadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds machines by the metadata every create gives them and asks Temporal about each one's
 * workflow. A batch destroys its machine in a finally block, but nothing runs after a Terminate,
 * and a create still in flight when its workflow closed makes a machine nobody awaits.
 */
public final class OrphanedMachinesImpl implements OrphanedMachines {
  private static final Logger log = LoggerFactory.getLogger(OrphanedMachinesImpl.class);

  private final FlyClient fly;
  private final WorkflowClient temporal;
  private final WarmPool pool;

  public OrphanedMachinesImpl(FlyClient fly, WorkflowClient temporal) {
    this.fly = fly;
    this.temporal = temporal;
    this.pool = new WarmPool(fly);
  }

  @Override
  public ReapResult destroyOrphans() {
    String namespace = temporal.getOptions().getNamespace();
    int checked = 0;
    List<String> destroyed = new ArrayList<>();
    for (Machine machine : fly.listByMetadata(Map.of())) {
      Map<String, String> metadata = machine.metadata();
      String workflowId = metadata.get(MachineMetadata.WORKFLOW_ID);
      // Machines made before the namespace was recorded are taken to be this deployment's.
      String owner = metadata.getOrDefault(MachineMetadata.NAMESPACE, namespace);
      if (workflowId == null || !owner.equals(namespace) || machine.isGone()) {
        continue;
      }
      checked++;
      String status = closedStatus(workflowId);
      if (status == null) {
        continue;
      }
      if (metadata.containsKey(MachineMetadata.POOL)) {
        // A pooled machine changes hands: destroy it only if, under its lease, it is still the
        // closed workflow's (it may have been given back and claimed since it was listed).
        if (pool.destroyIf(machine.id(), m -> workflowId.equals(m.metadata().get(MachineMetadata.WORKFLOW_ID)),
            "reaper")) {
          log.warn("destroyed pooled machine {}: its workflow {} is {}", machine.id(), workflowId, status);
          destroyed.add(machine.id());
        }
        continue;
      }
      if (fly.destroy(machine.id())) {
        log.warn("destroyed machine {}: its workflow {} is {}", machine.id(), workflowId, status);
      }
      destroyed.add(machine.id());
    }
    return new ReapResult(checked, destroyed);
  }

  /** Null while the workflow (its newest run, after any continue-as-new) is running. */
  private String closedStatus(String workflowId) {
    try {
      WorkflowExecutionStatus status = temporal.newUntypedWorkflowStub(workflowId).describe().getStatus();
      return status == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING ? null
          : status.name().replace("WORKFLOW_EXECUTION_STATUS_", "").toLowerCase();
    } catch (WorkflowNotFoundException e) {
      return "gone";
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return "gone";
      }
      throw e;
    }
  }
}
