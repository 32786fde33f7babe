package dev.lambdo.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.lambdo.codec.PayloadKeys;
import dev.lambdo.config.EnvReader;
import dev.lambdo.config.OnFailure;
import dev.lambdo.event.Batch;
import dev.lambdo.event.Guest;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.event.QueuedEvent;
import dev.lambdo.workflow.BatchResult;
import dev.lambdo.workflow.BatchWorkflow;
import dev.lambdo.workflow.ExitStatus;
import dev.lambdo.workflow.LambdoSearchAttributes;
import dev.lambdo.workflow.LogTail;
import dev.lambdo.workflow.MachineActivities;
import dev.lambdo.workflow.MachineRef;
import dev.lambdo.workflow.MessageActivities;
import dev.lambdo.workflow.SettleResult;
import dev.lambdo.workflow.TemporalClients;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Issue 11: with a payload key, no event body is in Temporal's history in plain text. */
class EncryptedHistoryTest {
  private static final String CARD = "4111-1111-1111-1111";
  private TestWorkflowEnvironment env;

  @AfterEach
  void stop() {
    env.close();
  }

  @Test
  void aBatchRunsWithNoBodyInPlainTextInItsHistory() {
    EnvReader reader = new EnvReader(Map.of(PayloadKeys.CURRENT,
        "k1:" + Base64.getEncoder().encodeToString(new byte[32])));
    PayloadKeys keys = PayloadKeys.read(reader);
    env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder()
        .setWorkflowClientOptions(WorkflowClientOptions.newBuilder()
            .setDataConverter(TemporalClients.dataConverter(keys)).build())
        .build());
    LambdoSearchAttributes.DEFINITIONS.forEach(env::registerSearchAttribute);
    MachineActivities machines = mock(MachineActivities.class, withSettings().withoutAnnotations());
    MessageActivities messages = mock(MessageActivities.class, withSettings().withoutAnnotations());
    when(machines.createAttemptMachine(any())).thenReturn(new MachineRef("m-1", "n", "iad", "v"));
    when(machines.awaitExit(any())).thenReturn(ExitStatus.exited(3));
    when(machines.fetchLogs(any())).thenReturn(new LogTail(List.of("paid with " + CARD), false, true));
    when(messages.ackMessages(anyString(), anyList())).thenReturn(new SettleResult("ack", 1, List.of()));
    Worker worker = env.newWorker("q");
    worker.registerWorkflowImplementationTypes(BatchWorkflowImpl.class);
    worker.registerActivitiesImplementations(machines, messages);
    env.newWorker(MachineActivities.createQueue("q")).registerActivitiesImplementations(machines);
    env.start();
    WorkflowClient client = env.getWorkflowClient();
    Batch batch = new Batch("http://q", new MachineSpec("img:1", "shared-cpu-1x", Guest.cpu("shared", 1, 256),
        List.of("run"), null, null, 60, 0), List.of(new QueuedEvent("m1", "rh1", "{\"card\":\"" + CARD + "\"}", 1)),
        OnFailure.ACK);
    BatchWorkflow workflow = client.newWorkflowStub(BatchWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue("q").setWorkflowId("lambdo-secret").build());

    org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> workflow.run(batch));

    String history = client.fetchHistory("lambdo-secret").getEvents().stream()
        .map(e -> e.toByteString().toStringUtf8()).collect(Collectors.joining());
    assertFalse(history.contains(CARD), "the body, and the log line quoting it, are encrypted");
    assertTrue(history.contains("binary/encrypted"));
    String runId = client.fetchHistory("lambdo-secret").getEvents().getFirst()
        .getWorkflowExecutionStartedEventAttributes().getOriginalExecutionRunId();
    assertEquals(batch.events(), new RunInputs(client).batchOf("lambdo-secret", runId).events(),
        "the create reads the encrypted input back");
  }
}
