package dev.lambdo.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.lambdo.config.OnFailure;
import dev.lambdo.event.Batch;
import dev.lambdo.event.Guest;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.event.QueuedEvent;
import dev.lambdo.reaper.OrphanedMachines;
import dev.lambdo.workflow.BatchWorkflow;
import dev.lambdo.workflow.ExitStatus;
import dev.lambdo.workflow.LambdoSearchAttributes;
import dev.lambdo.workflow.LogTail;
import dev.lambdo.workflow.MachineActivities;
import dev.lambdo.workflow.MachineRef;
import dev.lambdo.workflow.MessageActivities;
import dev.lambdo.workflow.SettleResult;
import dev.lambdo.workflow.SlotActivities;
import io.temporal.activity.Activity;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The worker as WorkerMain wires it: the create's route from the pacing, the runs' inputs shared. */
class LambdoWorkerTest {
  private final TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
  private final MachineActivities machines = mock(MachineActivities.class, withSettings().withoutAnnotations());
  private final MessageActivities messages = mock(MessageActivities.class, withSettings().withoutAnnotations());

  @AfterEach
  void close() {
    env.close();
  }

  @ParameterizedTest
  @CsvSource({"0, q", "1, q-creates"})
  void theCreatesQueueFollowsThePacingAndTheyFindTheirInputInMemory(double createsPerSecond, String createQueue) {
    LambdoSearchAttributes.DEFINITIONS.forEach(env::registerSearchAttribute);
    // No client behind it: a create that read history instead would fail.
    RunInputs inputs = new RunInputs(null);
    List<String> queues = new ArrayList<>();
    List<Batch> found = new ArrayList<>();
    when(machines.createAttemptMachine(any())).thenAnswer(i -> {
      var info = Activity.getExecutionContext().getInfo();
      queues.add(info.getActivityTaskQueue());
      try {
        found.add(inputs.batchOf(info.getWorkflowId(), info.getWorkflowRunId()));
      } catch (NullPointerException noClient) {
        throw ApplicationFailure.newNonRetryableFailure("the run's input was not in memory", "NotInMemory");
      }
      return new MachineRef("machine-1", "n", "iad", "v");
    });
    when(machines.awaitExit(any())).thenReturn(ExitStatus.exited(0));
    when(machines.fetchLogs(any())).thenReturn(new LogTail(List.of(), false, true));
    when(messages.ackMessages(anyString(), anyList())).thenReturn(new SettleResult("ack", 1, List.of()));
    LambdoWorker.register(env.getWorkerFactory(), "q", 100, createsPerSecond, machines, messages,
        mock(SlotActivities.class), mock(OrphanedMachines.class), inputs, dev.lambdo.pool.Pools.NONE,
        mock(dev.lambdo.workflow.PoolActivities.class), mock(dev.lambdo.pool.PoolUpkeep.class));
    env.start();
    Batch batch = new Batch("http://q", new MachineSpec("img:1", "shared-cpu-1x", Guest.cpu("shared", 1, 256),
        List.of("run"), null, null, 60, 0), List.of(new QueuedEvent("m1", "rh1", "{}", 1)), OnFailure.ACK);

    env.getWorkflowClient().newWorkflowStub(BatchWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue("q").setWorkflowId("lambdo-wired").build()).run(batch);

    assertEquals(List.of(createQueue), queues);
    assertEquals(List.of(batch), found);
  }
}
