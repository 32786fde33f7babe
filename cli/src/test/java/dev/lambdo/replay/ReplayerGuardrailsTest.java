package dev.lambdo.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.config.EnvReader;
import dev.lambdo.config.OnFailure;
import dev.lambdo.event.Batch;
import dev.lambdo.event.Guardrails;
import dev.lambdo.event.Guest;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.event.QueuedEvent;
import dev.lambdo.workflow.BatchWorkflow;
import dev.lambdo.workflow.LambdoSearchAttributes;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A replay bypasses the poller, so it is held to the operator's fences itself. */
class ReplayerGuardrailsTest {
  private final TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
  private final WorkflowClient client = env.getWorkflowClient();

  ReplayerGuardrailsTest() {
    LambdoSearchAttributes.DEFINITIONS.forEach(env::registerSearchAttribute);
  }

  @AfterEach
  void stop() {
    env.close();
  }

  /** A batch of {@code image} that ended without success (terminated), as replay finds it. */
  private String failedBatch(String image) {
    MachineSpec spec = new MachineSpec(image, "shared-cpu-1x", Guest.cpu("shared", 1, 256), null, null, null, 60, 0);
    Batch batch = new Batch("q", spec, List.of(new QueuedEvent("m1", "h", "{}", 1)), OnFailure.ACK);
    BatchWorkflow stub = client.newWorkflowStub(BatchWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue("nobody").setWorkflowId("lambdo-" + image.replace(':', '-')).build());
    WorkflowClient.start(stub::run, batch);
    WorkflowStub.fromTyped(stub).terminate("failed");
    return WorkflowStub.fromTyped(stub).getExecution().getWorkflowId();
  }

  private static Guardrails allowing(String images) {
    EnvReader reader = new EnvReader(Map.of("LAMBDO_ALLOWED_IMAGES", images));
    return Guardrails.read(reader);
  }

  @Test
  void aBatchBeyondTheFencesIsNotReplayed() {
    String id = failedBatch("evil:1");

    Replayer.Outcome outcome = new Replayer(client, allowing("alpine:3")).replay(id, true);

    assertEquals(Optional.empty(), outcome.replay());
    assertTrue(outcome.note().startsWith("beyond the guardrails: image 'evil:1' is not allowed here"), outcome.note());
  }

  @Test
  void aBatchWithinThemIs() {
    String id = failedBatch("alpine:3");

    Replayer.Outcome outcome = new Replayer(client, allowing("alpine:3")).replay(id, false);

    assertEquals(Optional.of(id + "-replay-1"), outcome.replay());
  }
}
