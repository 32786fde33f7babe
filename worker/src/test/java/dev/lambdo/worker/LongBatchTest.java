package dev.lambdo.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.lambdo.config.OnFailure;
import dev.lambdo.event.Batch;
import dev.lambdo.event.Guest;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.event.QueuedEvent;
import dev.lambdo.sqs.Receipt;
import dev.lambdo.workflow.AwaitExitRequest;
import dev.lambdo.workflow.BatchResult;
import dev.lambdo.workflow.BatchWorkflow;
import dev.lambdo.workflow.ExitStatus;
import dev.lambdo.workflow.LambdoSearchAttributes;
import dev.lambdo.workflow.LogTail;
import dev.lambdo.workflow.MachineActivities;
import dev.lambdo.workflow.MachineRef;
import dev.lambdo.workflow.MessageActivities;
import dev.lambdo.workflow.SettleResult;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A batch whose machine runs for days, on the time-skipping server: the workflow's history stays
 * bounded (it continues as new while the machine runs) and the batch completes as if it had not.
 */
class LongBatchTest {
  @RegisterExtension
  static final TestWorkflowExtension temporal =
      TestWorkflowExtension.newBuilder().setDoNotStart(true).build();

  /** Well below Temporal's 51,200-event limit, and its 10,240-event warning. */
  private static final int HISTORY_BOUND = 10_000;
  private static final Duration WEEK = Duration.ofDays(7);

  private final MachineActivities machines = mock(MachineActivities.class, withSettings().withoutAnnotations());
  private final MessageActivities messages = mock(MessageActivities.class, withSettings().withoutAnnotations());

  @BeforeEach
  void registerSearchAttributes(TestWorkflowEnvironment env) {
    LambdoSearchAttributes.DEFINITIONS.forEach(env::registerSearchAttribute);
  }

  @Test
  void aWeekLongMachineAtTheShortestVisibilityCompletesWithBoundedHistory(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    MachineRef machine = new MachineRef("machine-1", "n", "iad", "v");
    AtomicLong createdAt = new AtomicLong();
    when(machines.createAttemptMachine(any())).thenAnswer(i -> {
      createdAt.set(env.currentTimeMillis());
      return machine;
    });
    SkippedMachineTime machineTime = new SkippedMachineTime(env, client);
    when(machines.awaitExit(any())).thenAnswer(machineTime.awaitExit());
    when(machines.fetchLogs(any())).thenReturn(new LogTail(List.of("done"), false, true));
    when(messages.keepHidden(anyString(), anyList(), anyInt())).thenAnswer(i -> new SettleResult("keep hidden", 1, List.of()));
    when(messages.ackMessages(anyString(), anyList())).thenAnswer(i -> new SettleResult("ack", 1, List.of()));

    worker.registerWorkflowImplementationTypes(BatchWorkflowImpl.class);
    worker.registerActivitiesImplementations(machines, messages);
    env.newWorker(MachineActivities.createQueue(worker.getTaskQueue())).registerActivitiesImplementations(machines);
    env.start();
    BatchWorkflow workflow = client.newWorkflowStub(BatchWorkflow.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).setWorkflowId("lambdo-week")
            .build());
    MachineSpec spec = new MachineSpec("img:1", "shared-cpu-1x", Guest.cpu("shared", 1, 256),
        List.of("run"), null, null, (int) WEEK.toSeconds(), 0);
    Batch batch = new Batch("http://q", spec, List.of(new QueuedEvent("m1", "rh1", "{}", 1)), OnFailure.ACK, 10, null, null);

    WorkflowClient.start(workflow::run, batch);
    workflow.redelivered(List.of(new Receipt("m1", "rh1-newer")));
    // The machine runs for a week less an hour; each run of the workflow awaits it in turn.
    machineTime.runFor(Duration.ofSeconds(1));
    machineTime.runUntil(createdAt.get() + WEEK.minusHours(1).toMillis());
    machineTime.exit(ExitStatus.exited(0));
    BatchResult result = WorkflowStub.fromTyped(workflow).getResult(BatchResult.class);

    assertEquals(0, result.exit().exitCode());
    assertEquals(1, result.attempts(), "one machine, awaited across runs");
    assertTrue(result.durationMs() >= WEEK.minusHours(1).toMillis(), "the duration spans every run: " + result.durationMs());
    verify(machines).createAttemptMachine(any());
    verify(machines).destroyMachine(machine);
    // The newest handle, signalled to the first run, is the one the last run deletes with.
    verify(messages).ackMessages("http://q", List.of(new Receipt("m1", "rh1-newer")));

    if (Boolean.getBoolean("lambdo.recordHistories")) {
      // The last run: it resumes the machine from the progress its predecessor handed over.
      java.nio.file.Files.writeString(BatchWorkflowReplayTest.HISTORIES.resolve("resumed-" + BatchWorkflowReplayTest.GENERATION + ".json"),
          client.fetchHistory("lambdo-week").toJson(true));
    }
    List<Integer> lengths = runLengths(client, "lambdo-week");
    assertTrue(lengths.size() > 1, "continued as new while the machine ran: " + lengths);
    assertTrue(lengths.stream().allMatch(n -> n <= HISTORY_BOUND), "every run's history is bounded: " + lengths);
    List<AwaitExitRequest> waits = machineTime.waits();
    assertTrue(waits.size() >= lengths.size(), "each run awaited the same machine");
    long deadline = waits.getFirst().deadlineEpochMs();
    assertEquals(createdAt.get() + WEEK.toMillis(), deadline, 1_000, "the timeout counts from the first wait");
    assertTrue(waits.stream().allMatch(w -> w.deadlineEpochMs() == deadline && w.machine().equals(machine)),
        "later runs keep the machine and its deadline");
  }

  /** History lengths of every run of the workflow, oldest first, following the continued-as-new chain. */
  private static List<Integer> runLengths(WorkflowClient client, String workflowId) {
    List<Integer> lengths = new ArrayList<>();
    String runId = null;
    do {
      WorkflowExecutionHistory history = runId == null ? client.fetchHistory(workflowId) : client.fetchHistory(workflowId, runId);
      lengths.addFirst(history.getEvents().size());
      HistoryEvent first = history.getEvents().getFirst();
      runId = first.getWorkflowExecutionStartedEventAttributes().getContinuedExecutionRunId();
    } while (!runId.isEmpty());
    return lengths;
  }
}
