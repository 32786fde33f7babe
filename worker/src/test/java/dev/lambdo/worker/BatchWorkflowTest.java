package dev.lambdo.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.atLeastOnce;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.timeout;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.lambdo.config.OnFailure;
import dev.lambdo.event.Batch;
import dev.lambdo.event.Guest;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.event.QueuedEvent;
import dev.lambdo.sqs.Receipt;
import dev.lambdo.workflow.AttemptRequest;
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
import dev.lambdo.workflow.SlotActivities;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BatchWorkflowTest {
  @RegisterExtension
  static final TestWorkflowExtension temporal =
      TestWorkflowExtension.newBuilder().setDoNotStart(true).build();

  private final MachineActivities machines = mock(MachineActivities.class, withSettings().withoutAnnotations());
  private final MessageActivities messages = mock(MessageActivities.class, withSettings().withoutAnnotations());
  private static final LogTail LOGS = new LogTail(List.of("working", "done"), false, true);

  @BeforeEach
  void registerSearchAttributes(TestWorkflowEnvironment env) {
    LambdoSearchAttributes.DEFINITIONS.forEach(env::registerSearchAttribute);
  }

  private static Batch batch(int retries, OnFailure onFailure) {
    MachineSpec spec = new MachineSpec("img:1", "performance-2x", Guest.cpu("performance", 2, 4096),
        List.of("run"), null, null, 60, retries);
    return new Batch("http://q", spec, List.of(new QueuedEvent("m1", "rh1", "{}", 1),
        new QueuedEvent("m2", "rh2", "{}", 1)), onFailure);
  }

  private BatchWorkflow start(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    return BatchWorkers.start(env, worker, client, machines, messages, "lambdo-test");
  }

  /**
   * With {@code -Dlambdo.recordHistories=true}, keeps the test's history for
   * {@link BatchWorkflowReplayTest}, named after the workflow's current version: after an
   * intended change, put it behind {@code Workflow.getVersion}, rename the generation, and record
   * again, keeping the older histories (batches of that version may still run).
   */
  static void record(WorkflowClient client, String name) throws java.io.IOException {
    record(client, name + "-" + BatchWorkflowReplayTest.GENERATION, "lambdo-test", BatchWorkflowReplayTest.HISTORIES);
  }

  private static void record(WorkflowClient client, String name, String workflowId, java.nio.file.Path dir)
      throws java.io.IOException {
    if (Boolean.getBoolean("lambdo.recordHistories")) {
      java.nio.file.Path file = dir.resolve(name + ".json");
      java.nio.file.Files.createDirectories(file.getParent());
      java.nio.file.Files.writeString(file, client.fetchHistory(workflowId).toJson(true));
    }
  }

  private void machinesExit(int... codes) {
    AtomicInteger made = new AtomicInteger();
    when(machines.createAttemptMachine(any())).thenAnswer(
        i -> new MachineRef("machine-" + made.incrementAndGet(), "n", "iad", "v"));
    var stub = when(machines.awaitExit(any()));
    for (int code : codes) {
      stub = stub.thenReturn(ExitStatus.exited(code));
    }
    when(machines.fetchLogs(any())).thenReturn(LOGS);
    when(messages.ackMessages(anyString(), anyList())).thenAnswer(i -> new SettleResult("ack", 2, List.of()));
    when(messages.releaseMessages(anyString(), anyList())).thenAnswer(i -> new SettleResult("release", 2, List.of()));
  }

  @Test
  void successRunsEveryStepAndAcksWithTheReceipts(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    machinesExit(0);
    BatchResult result = start(env, worker, client).run(batch(2, OnFailure.ACK));

    assertEquals("machine-1", result.machineId());
    assertEquals(0, result.exit().exitCode());
    assertEquals(1, result.attempts());
    assertEquals(LOGS, result.logTail());
    verify(machines).createAttemptMachine(AttemptRequest.all(1));
    verify(machines).destroyMachine(new MachineRef("machine-1", "n", "iad", "v"));
    verify(messages).ackMessages("http://q", List.of(new Receipt("m1", "rh1"), new Receipt("m2", "rh2")));
    verify(messages, never()).releaseMessages(anyString(), anyList());
    // Issue 11: the Web UI shows what each timer is for, and none is left pending at the end.
    List<io.temporal.api.history.v1.HistoryEvent> events = client.fetchHistory("lambdo-test").getEvents();
    List<io.temporal.api.history.v1.HistoryEvent> timers = events.stream()
        .filter(io.temporal.api.history.v1.HistoryEvent::hasTimerStartedEventAttributes).toList();
    assertTrue(!timers.isEmpty(), "the batch waited beside its activities");
    for (var timer : timers) {
      assertTrue(timer.getUserMetadata().getSummary().getData().toStringUtf8().contains("renew"), timer.toString());
      String id = timer.getTimerStartedEventAttributes().getTimerId();
      assertTrue(events.stream().anyMatch(e -> (e.hasTimerCanceledEventAttributes()
              && e.getTimerCanceledEventAttributes().getTimerId().equals(id))
          || (e.hasTimerFiredEventAttributes() && e.getTimerFiredEventAttributes().getTimerId().equals(id))),
          "timer " + id + " fired or was cancelled");
    }
    record(client, "success");
  }

  @Test
  void theFirstWorkflowTaskSchedulesTheCreateOnThePacedQueue(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    machinesExit(0);
    start(env, worker, client).run(batch(0, OnFailure.ACK));

    List<io.temporal.api.history.v1.HistoryEvent> events = client.fetchHistory("lambdo-test").getEvents();
    int firstTaskDone = indexOf(events, io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, 0);
    int scheduled = indexOf(events, io.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, 0);
    var create = events.get(scheduled).getActivityTaskScheduledEventAttributes();
    assertEquals("CreateAttemptMachine", create.getActivityType().getName());
    assertTrue(scheduled > firstTaskDone
            && indexOf(events, io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, firstTaskDone + 1) > scheduled,
        "the create is a command of the first workflow task");
    assertEquals(MachineActivities.createQueue(worker.getTaskQueue()), create.getTaskQueue().getName());
  }

  /**
   * Issue 9: without pacing there is nothing for a task queue to do but cost a dispatch and a
   * workflow task: every attempt's create, and every short step after its machine exits, runs
   * inside the workflow task that asks for it (a local activity), and nothing is scheduled for it.
   */
  @Test
  void anUnpacedWorkerRunsShortStepsWithinTheWorkflowTask(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    machinesExit(3, 0);
    worker.registerWorkflowImplementationFactory(BatchWorkflow.class, () -> new BatchWorkflowImpl(CreateRoute.UNPACED, null, dev.lambdo.pool.Pools.NONE));
    worker.registerActivitiesImplementations(machines, messages);
    // Served too, so that a create sent there is seen where it went rather than waited for.
    env.newWorker(MachineActivities.createQueue(worker.getTaskQueue())).registerActivitiesImplementations(machines);
    env.start();
    BatchResult result = client.newWorkflowStub(BatchWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(worker.getTaskQueue()).setWorkflowId("lambdo-test").build()).run(batch(1, OnFailure.ACK));

    assertEquals(2, result.attempts());
    List<io.temporal.api.history.v1.HistoryEvent> events = client.fetchHistory("lambdo-test").getEvents();
    List<String> scheduled = events.stream()
        .filter(io.temporal.api.history.v1.HistoryEvent::hasActivityTaskScheduledEventAttributes)
        .map(io.temporal.api.history.v1.HistoryEvent::getActivityTaskScheduledEventAttributes)
        .map(a -> a.getActivityType().getName()).toList();
    // Issue 9: each create, log fetch, destroy and the ack ran inside the workflow task that
    // asked for it, recorded as a marker; only the waits for the machines were scheduled.
    assertEquals(List.of("AwaitExit", "AwaitExit"), scheduled);
    assertEquals(2 + 2 + 2 + 1, events.stream().filter(e -> e.hasMarkerRecordedEventAttributes()
        && e.getMarkerRecordedEventAttributes().getMarkerName().equals("LocalActivity")).count());
    verify(machines, times(2)).createAttemptMachine(any());
    verify(machines, times(2)).fetchLogs(any());
    verify(machines, times(2)).destroyMachine(any());
    verify(messages).ackMessages(any(), any());
    record(client, "unpaced");
  }

  /**
   * A local step that keeps failing (Fly or SQS down) goes on as an ordinary activity after a few
   * tries: past the SDK's local retry threshold each further try of a local activity would add a
   * marker, a timer and a workflow task to the history, all outage long.
   */
  @Test
  void anUnpacedStepThatKeepsFailingGoesOnAsAnActivity(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) throws Exception {
    machinesExit(0);
    ApplicationFailure down = ApplicationFailure.newFailure("Fly is down", "FlyUnavailable");
    when(machines.createAttemptMachine(any())).thenThrow(down, down, down)
        .thenReturn(new MachineRef("machine-1", "n", "iad", "v"));
    doThrow(down).doThrow(down).doThrow(down).doNothing().when(machines).destroyMachine(any());
    BatchResult result = BatchWorkers.startUnpaced(env, worker, client, dev.lambdo.pool.Pools.NONE, machines, messages)
        .run(batch(0, OnFailure.ACK));

    assertEquals(0, result.exit().exitCode());
    List<String> scheduled = client.fetchHistory("lambdo-test").getEvents().stream()
        .filter(io.temporal.api.history.v1.HistoryEvent::hasActivityTaskScheduledEventAttributes)
        .map(e -> e.getActivityTaskScheduledEventAttributes().getActivityType().getName()).toList();
    assertEquals(List.of("CreateAttemptMachine", "AwaitExit", "DestroyMachine"), scheduled);
    verify(machines, times(4)).createAttemptMachine(any());
    verify(machines, times(4)).destroyMachine(any());
    record(client, "unpaced-fallback");
  }

  /** Issue 9: a create on the worker that runs the batch takes the run's input from memory. */
  @Test
  void aCreateOnTheBatchWorkerFindsTheRunsInputInMemory(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) {
    machinesExit(0);
    // No client behind it: a read from history would fail the create.
    RunInputs inputs = new RunInputs(null);
    List<Batch> found = new java.util.concurrent.CopyOnWriteArrayList<>();
    when(machines.createAttemptMachine(any())).thenAnswer(i -> {
      var info = io.temporal.activity.Activity.getExecutionContext().getInfo();
      try {
        found.add(inputs.batchOf(info.getWorkflowId(), info.getWorkflowRunId()));
      } catch (NullPointerException noClient) {
        // Not in memory: end the batch at once rather than retry the create for hours.
        throw ApplicationFailure.newNonRetryableFailure("the run's input was not in memory", "NotInMemory");
      }
      return new MachineRef("machine-1", "n", "iad", "v");
    });
    worker.registerWorkflowImplementationFactory(BatchWorkflow.class, () -> new BatchWorkflowImpl(CreateRoute.UNPACED, inputs, dev.lambdo.pool.Pools.NONE));
    worker.registerActivitiesImplementations(machines, messages);
    env.start();
    Batch batch = batch(0, OnFailure.ACK);
    client.newWorkflowStub(BatchWorkflow.class, WorkflowOptions.newBuilder()
        .setTaskQueue(worker.getTaskQueue()).setWorkflowId("lambdo-test").build()).run(batch);

    assertEquals(List.of(batch), found);
  }

  private static int indexOf(List<io.temporal.api.history.v1.HistoryEvent> events, io.temporal.api.enums.v1.EventType type, int from) {
    for (int i = from; i < events.size(); i++) {
      if (events.get(i).getEventType() == type) {
        return i;
      }
    }
    return Integer.MAX_VALUE;
  }

  @Test
  void aRetrySucceedsOnAFreshMachine(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    machinesExit(3, 0);
    BatchResult result = start(env, worker, client).run(batch(2, OnFailure.ACK));
    assertEquals(2, result.attempts());
    assertEquals("machine-2", result.machineId());
    assertEquals(List.of(3, 0), result.history().stream().map(a -> a.exit().exitCode()).toList());
    verify(machines, times(2)).destroyMachine(any());
    record(client, "retry");
  }

  @Test
  void nonZeroExitRetriesOnAFreshMachineThenFailsWithExitCodeAndLogs(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    machinesExit(3, 4);
    BatchWorkflow workflow = start(env, worker, client);

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> workflow.run(batch(1, OnFailure.ACK)));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals(BatchWorkflowImpl.FAILURE_TYPE, failure.getType());
    assertTrue(failure.getOriginalMessage().contains("after 2 attempt(s): exit code 4"), failure.getOriginalMessage());
    assertTrue(failure.getOriginalMessage().contains("done"), "the log tail is in the failure");
    BatchResult result = failure.getDetails().get(BatchResult.class);
    assertEquals(4, result.exit().exitCode());
    assertEquals(List.of(3, 4), result.history().stream().map(a -> a.exit().exitCode()).toList());
    verify(machines).createAttemptMachine(AttemptRequest.all(1));
    verify(machines).createAttemptMachine(AttemptRequest.all(2));
    verify(machines).destroyMachine(new MachineRef("machine-1", "n", "iad", "v"));
    verify(machines).destroyMachine(new MachineRef("machine-2", "n", "iad", "v"));
    verify(messages).ackMessages(eq("http://q"), anyList());
    assertEquals("", client.fetchHistory("lambdo-test").getLastEvent().getWorkflowExecutionFailedEventAttributes()
        .getFailure().getStackTrace(), "a machine that failed is an outcome, not a fault: no stack trace");
    record(client, "failure");
  }

  @Test
  void aMachineThatVanishesIsReplacedWithoutSpendingARetry(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    machinesExit(0);
    when(machines.awaitExit(any())).thenReturn(ExitStatus.VANISHED, ExitStatus.exited(0));
    BatchResult result = start(env, worker, client).run(batch(0, OnFailure.ACK));

    assertEquals(2, result.attempts());
    assertEquals("machine-2", result.machineId());
    assertTrue(result.history().getFirst().exit().vanished());
    verify(machines, never()).fetchLogs(new MachineRef("machine-1", "n", "iad", "v"));
    verify(machines).fetchLogs(new MachineRef("machine-2", "n", "iad", "v"));
    verify(machines).destroyMachine(new MachineRef("machine-2", "n", "iad", "v"));
    verify(messages).ackMessages("http://q", List.of(new Receipt("m1", "rh1"), new Receipt("m2", "rh2")));
    record(client, "vanished");
  }

  @Test
  void machinesThatKeepVanishingFailTheBatchAfterAFewReplacements(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    machinesExit(0);
    when(machines.awaitExit(any())).thenReturn(ExitStatus.VANISHED);
    BatchWorkflow workflow = start(env, worker, client);

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> workflow.run(batch(1, OnFailure.ACK)));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertTrue(failure.getOriginalMessage().contains("machine vanished"), failure.getOriginalMessage());
    int attempts = 2 + BatchWorkflowImpl.MAX_REPLACED;
    assertEquals(attempts, failure.getDetails().get(BatchResult.class).attempts());
    verify(machines, times(attempts)).createAttemptMachine(any());
    verify(messages).ackMessages(eq("http://q"), anyList());
  }

  private static LogTail reporting(int events, int... failed) {
    StringBuilder entries = new StringBuilder();
    for (int index : failed) {
      entries.append(entries.isEmpty() ? "" : ",").append("{\"index\":").append(index).append(",\"error\":\"boom\"}");
    }
    return new LogTail(List.of("working", "LAMBDO_RESULT {\"events\":" + events + ",\"succeeded\":"
        + (events - failed.length) + ",\"failed\":[" + entries + "]}", "Main child exited normally with code: 1"), false, true);
  }

  @Test
  void onlyTheEventsThatFailedRunAgain(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    machinesExit(1, 0);
    when(machines.fetchLogs(any())).thenReturn(reporting(2, 1), LOGS);
    BatchResult result = start(env, worker, client).run(batch(1, OnFailure.ACK));

    verify(machines).createAttemptMachine(AttemptRequest.all(1));
    verify(machines).createAttemptMachine(new AttemptRequest(2, List.of("m2")));
    assertEquals(List.of("m2"), result.history().getFirst().failedMessages());
    assertEquals(List.of("m1", "m2"), result.succeededMessages());
    assertEquals(List.of(), result.failedMessages());
    verify(messages).ackMessages("http://q", List.of(new Receipt("m1", "rh1"), new Receipt("m2", "rh2")));
    record(client, "partial");
  }

  @Test
  void withReleaseOnlyTheEventsThatStillFailAreReleased(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    machinesExit(1, 1);
    when(machines.fetchLogs(any())).thenReturn(reporting(2, 1), reporting(1, 0));
    BatchWorkflow workflow = start(env, worker, client);

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> workflow.run(batch(1, OnFailure.RELEASE)));

    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertTrue(failure.getOriginalMessage().contains("1 of 2 events failed"), failure.getOriginalMessage());
    BatchResult result = failure.getDetails().get(BatchResult.class);
    assertEquals(List.of("m1"), result.succeededMessages());
    assertEquals(List.of("m2"), result.failedMessages());
    verify(messages).ackMessages("http://q", List.of(new Receipt("m1", "rh1")));
    verify(messages).releaseMessages("http://q", List.of(new Receipt("m2", "rh2")));
    assertEquals(List.of("m2"), client.newUntypedWorkflowStub("lambdo-test").describe()
        .getTypedSearchAttributes().get(LambdoSearchAttributes.FAILED_MESSAGE_IDS));
  }

  @Test
  void aRunWhoseReportDoesNotFitItIsAllOrNothing(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    machinesExit(1, 1);
    // Says 3 events where the run had 2: not a report about this run.
    when(machines.fetchLogs(any())).thenReturn(reporting(3, 1));
    BatchWorkflow workflow = start(env, worker, client);

    assertThrows(WorkflowFailedException.class, () -> workflow.run(batch(1, OnFailure.RELEASE)));

    verify(machines).createAttemptMachine(AttemptRequest.all(2));
    verify(messages, never()).ackMessages(anyString(), anyList());
    verify(messages).releaseMessages("http://q", List.of(new Receipt("m1", "rh1"), new Receipt("m2", "rh2")));
  }

  @Test
  void releaseModeMakesMessagesVisibleAfterTheLastFailure(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    machinesExit(1);
    BatchWorkflow workflow = start(env, worker, client);
    assertThrows(WorkflowFailedException.class, () -> workflow.run(batch(0, OnFailure.RELEASE)));
    verify(messages).releaseMessages(eq("http://q"), anyList());
    verify(messages, never()).ackMessages(anyString(), anyList());
  }

  @Test
  void timeoutAndOomCountAsFailedAttempts(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    machinesExit(0);
    when(machines.awaitExit(any())).thenReturn(new ExitStatus(143, -1, false, true), new ExitStatus(137, 9, true, false));
    BatchWorkflow workflow = start(env, worker, client);
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> workflow.run(batch(1, OnFailure.ACK)));
    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertTrue(failure.getOriginalMessage().contains("killed: out of memory"), failure.getOriginalMessage());
    BatchResult result = failure.getDetails().get(BatchResult.class);
    assertTrue(result.history().getFirst().exit().timedOut());
    verify(machines, times(2)).destroyMachine(any());
    record(client, "timeout");
  }

  @Test
  void cancellationStillDestroysTheMachine(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    machinesExit(0);
    CountDownLatch never = new CountDownLatch(1);
    when(machines.awaitExit(any())).thenAnswer(i -> {
      never.await(30, TimeUnit.SECONDS);
      return ExitStatus.exited(0);
    });
    BatchWorkflow workflow = start(env, worker, client);
    WorkflowClient.start(workflow::run, batch(2, OnFailure.ACK));
    verify(machines, timeout(5000)).awaitExit(any());

    WorkflowStub.fromTyped(workflow).cancel();

    WorkflowFailedException e = assertThrows(WorkflowFailedException.class,
        () -> WorkflowStub.fromTyped(workflow).getResult(BatchResult.class));
    assertInstanceOf(CanceledFailure.class, e.getCause());
    verify(machines, timeout(5000)).destroyMachine(new MachineRef("machine-1", "n", "iad", "v"));
    verify(messages, timeout(5000)).ackMessages(eq("http://q"), anyList());
    never.countDown();
    record(client, "cancellation");
  }

  @Test
  void acksUseTheNewestReceiptHandles(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    machinesExit(0);
    CountDownLatch signalled = new CountDownLatch(1);
    when(machines.awaitExit(any(AwaitExitRequest.class))).thenAnswer(i -> {
      signalled.await(10, TimeUnit.SECONDS);
      return ExitStatus.exited(0);
    });
    BatchWorkflow workflow = start(env, worker, client);
    WorkflowClient.start(workflow::run, batch(0, OnFailure.ACK));
    verify(machines, timeout(5000)).awaitExit(any());

    workflow.redelivered(List.of(new Receipt("m2", "rh2-newer")));
    signalled.countDown();
    WorkflowStub.fromTyped(workflow).getResult(BatchResult.class);

    verify(messages).ackMessages("http://q", List.of(new Receipt("m1", "rh1"), new Receipt("m2", "rh2-newer")));
  }

  @Test
  void aMachineFlyRejectsEndsTheBatchWithoutRetryAndSettlesTheMessages(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    machinesExit(0);
    when(machines.createAttemptMachine(any())).thenThrow(
        ApplicationFailure.newNonRetryableFailure("image not found", FlyFailures.REJECTED));
    BatchWorkflow workflow = start(env, worker, client);
    WorkflowFailedException e = assertThrows(WorkflowFailedException.class, () -> workflow.run(batch(2, OnFailure.ACK)));
    assertTrue(String.valueOf(e.getCause().getCause()).contains("image not found"));
    verify(machines, times(1)).createAttemptMachine(any());
    verify(machines, never()).destroyMachine(any());
    verify(messages).ackMessages(eq("http://q"), anyList());
  }

  private record Running(BatchWorkflow workflow, SkippedMachineTime machineTime) {}

  /** A batch at visibility 30 s whose machine runs on skipped time until told to exit. */
  private Running runningMachine(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    machinesExit(0);
    when(messages.keepHidden(anyString(), anyList(), anyInt())).thenAnswer(i -> new SettleResult("keep hidden", 2, List.of()));
    SkippedMachineTime machineTime = new SkippedMachineTime(env, client);
    when(machines.awaitExit(any(AwaitExitRequest.class))).thenAnswer(machineTime.awaitExit());
    BatchWorkflow workflow = start(env, worker, client);
    Batch batch = new Batch("http://q", batch(0, OnFailure.ACK).spec(), batch(0, OnFailure.ACK).events(), OnFailure.ACK, 30, null, null);
    WorkflowClient.start(workflow::run, batch);
    verify(machines, timeout(5000)).awaitExit(any());
    return new Running(workflow, machineTime);
  }

  @Test
  void messagesStayHiddenWithTheNewestHandlesWhileTheMachineRuns(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    Running running = runningMachine(env, worker, client);
    SkippedMachineTime machineTime = running.machineTime();
    BatchWorkflow workflow = running.workflow();

    workflow.redelivered(List.of(new Receipt("m1", "rh1-newer")));
    machineTime.runFor(BatchWorkflowImpl.SHORTEST_HIDE.dividedBy(3).plusSeconds(30));
    // Hidden for the longer of the visibility and the shortest hide, renewed a third of the way in.
    verify(messages, timeout(5000).atLeastOnce()).keepHidden("http://q",
        List.of(new Receipt("m1", "rh1-newer"), new Receipt("m2", "rh2")), (int) BatchWorkflowImpl.SHORTEST_HIDE.toSeconds());
    machineTime.exit(ExitStatus.exited(0));
    WorkflowStub.fromTyped(workflow).getResult(BatchResult.class);
  }

  /** Found by the chaos suite: at visibility 10 s the first renewal came after 200 s. */
  @Test
  void theFirstRenewalComesBeforeTheReceivesVisibilityRunsOut(
      TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    Running running = runningMachine(env, worker, client);
    SkippedMachineTime machineTime = running.machineTime();
    BatchWorkflow workflow = running.workflow();

    machineTime.runFor(java.time.Duration.ofSeconds(20));

    verify(messages, timeout(5000).atLeastOnce()).keepHidden(eq("http://q"), anyList(), anyInt());
    machineTime.exit(ExitStatus.exited(0));
    WorkflowStub.fromTyped(workflow).getResult(BatchResult.class);
  }

  @Test
  void logsThatCannotBeFetchedDoNotFailASuccessfulBatch(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    machinesExit(0);
    when(machines.fetchLogs(any())).thenThrow(ApplicationFailure.newNonRetryableFailure("logs API down", "FlyRejected"));
    BatchResult result = start(env, worker, client).run(batch(0, OnFailure.ACK));
    assertEquals(0, result.exit().exitCode());
    assertTrue(result.logTail().lines().getFirst().contains("logs unavailable"), result.logTail().toString());
    verify(machines).destroyMachine(any());
    verify(messages).ackMessages(eq("http://q"), anyList());
  }

  /** Fly answers 503 after 110 s, then the retry gets the machine after 110 s more. */
  private AtomicInteger slowCreateRetriedOnce(TestWorkflowEnvironment env) {
    AtomicInteger tries = new AtomicInteger();
    when(machines.createAttemptMachine(any())).thenAnswer(i -> {
      env.sleep(java.time.Duration.ofSeconds(110));
      if (tries.incrementAndGet() == 1) {
        throw ApplicationFailure.newFailure("Fly answered 503", "FlyUnavailable");
      }
      return new MachineRef("machine-1", "n", "iad", "v");
    });
    return tries;
  }

  @Test
  void messagesStayHiddenWhileASlowCreateRetries(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    machinesExit(0);
    when(messages.keepHidden(anyString(), anyList(), anyInt())).thenAnswer(i -> new SettleResult("keep hidden", 2, List.of()));
    // Fly answers 503 after 110 s, then the retry gets the machine after 110 s more: a renewal
    // (every 200 s) falls while the create is being retried.
    AtomicInteger tries = slowCreateRetriedOnce(env);
    BatchWorkflow workflow = start(env, worker, client);
    Batch base = batch(0, OnFailure.ACK);
    workflow.run(new Batch("http://q", base.spec(), base.events(), OnFailure.ACK, 30, null, null));
    assertEquals(2, tries.get(), "the create was retried");
    // awaitExit and the logs return at once: every renewal happened while the machine was being created.
    verify(messages, atLeastOnce()).keepHidden(eq("http://q"), anyList(), eq((int) BatchWorkflowImpl.SHORTEST_HIDE.toSeconds()));
    record(client, "create-kept-hidden");
  }

  @Test
  void aRenewalThatFailsDoesNotFailTheBatch(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    machinesExit(0);
    when(messages.keepHidden(anyString(), anyList(), anyInt()))
        .thenThrow(ApplicationFailure.newNonRetryableFailure("SQS is down", "SdkClientException"));
    // A slow create that is retried once (110 s each): the renewals at 200 s fall while it waits.
    AtomicInteger tries = slowCreateRetriedOnce(env);
    BatchWorkflow workflow = start(env, worker, client);
    Batch base = batch(0, OnFailure.ACK);
    BatchResult result = workflow.run(new Batch("http://q", base.spec(), base.events(), OnFailure.ACK, 30, null, null));
    assertEquals(0, result.exit().exitCode());
    verify(messages, atLeastOnce()).keepHidden(anyString(), anyList(), anyInt());
  }

  @Test
  void slotsLetOnlyOneMachineLiveAtATime(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) throws Exception {
    machinesExit(0);
    SlotActivities slotActivities = mock(SlotActivities.class, withSettings().withoutAnnotations());
    worker.registerWorkflowImplementationTypes(MachineSlotsImpl.class);
    worker.registerActivitiesImplementations(slotActivities);
    CountDownLatch firstMayExit = new CountDownLatch(1);
    AtomicInteger alive = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    when(machines.createAttemptMachine(any())).thenAnswer(i -> {
      peak.accumulateAndGet(alive.incrementAndGet(), Math::max);
      return new MachineRef("machine-" + alive.get(), "n", "iad", "v");
    });
    when(machines.awaitExit(any())).thenAnswer(i -> {
      firstMayExit.await(10, TimeUnit.SECONDS);
      return ExitStatus.exited(0);
    });
    org.mockito.Mockito.doAnswer(i -> alive.decrementAndGet()).when(machines).destroyMachine(any());
    start(env, worker, client);
    String slotsId = dev.lambdo.workflow.MachineSlots.workflowId(worker.getTaskQueue());
    dev.lambdo.workflow.MachineSlots slots = client.newWorkflowStub(dev.lambdo.workflow.MachineSlots.class,
        WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).setWorkflowId(slotsId).build());
    WorkflowClient.start(slots::run, dev.lambdo.workflow.SlotsState.empty(1));

    List<BatchWorkflow> batches = new java.util.ArrayList<>();
    for (String id : List.of("lambdo-a", "lambdo-b")) {
      BatchWorkflow b = client.newWorkflowStub(BatchWorkflow.class,
          WorkflowOptions.newBuilder().setTaskQueue(worker.getTaskQueue()).setWorkflowId(id).build());
      Batch batch = batch(0, OnFailure.ACK);
      WorkflowClient.start(b::run, new Batch(batch.queueUrl(), batch.spec(), batch.events(), OnFailure.ACK, 300, slotsId, null));
      batches.add(b);
    }
    verify(machines, timeout(5000)).createAttemptMachine(any());
    // Once the slots workflow has handled both batches' requests (a task completed after each
    // signal), it must have granted exactly one: the other cannot create until that one releases.
    Awaitility.await("the slots workflow to handle both acquires").atMost(java.time.Duration.ofSeconds(10))
        .until(() -> handled(client.fetchHistory(slotsId).getEvents(), "lambdo-a")
            && handled(client.fetchHistory(slotsId).getEvents(), "lambdo-b"));
    assertEquals(1, client.fetchHistory(slotsId).getEvents().stream()
            .filter(e -> e.hasSignalExternalWorkflowExecutionInitiatedEventAttributes()).count(),
        "one slot granted while its holder runs");
    verify(machines, times(1)).createAttemptMachine(any());

    firstMayExit.countDown();
    for (BatchWorkflow b : batches) {
      WorkflowStub.fromTyped(b).getResult(BatchResult.class);
    }
    verify(machines, times(2)).createAttemptMachine(any());
    assertEquals(1, peak.get(), "the second machine was created only after the first was destroyed");
    record(client, "grant-and-release", slotsId, MachineSlotsReplayTest.HISTORIES);
  }

  /** The workflow completed a task after receiving {@code batch}'s acquire signal. */
  private static boolean handled(List<io.temporal.api.history.v1.HistoryEvent> events, String batch) {
    int signalled = Integer.MAX_VALUE;
    for (int i = 0; i < events.size(); i++) {
      var event = events.get(i);
      if (event.hasWorkflowExecutionSignaledEventAttributes()
          && event.getWorkflowExecutionSignaledEventAttributes().getSignalName().equals("acquire")
          && event.getWorkflowExecutionSignaledEventAttributes().getInput().toString().contains(batch)) {
        signalled = Math.min(signalled, i);
      }
      if (i > signalled && event.getEventType() == io.temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) {
        return true;
      }
    }
    return false;
  }

  @Test
  void backoffBetweenAttemptsIsCapped() {
    assertEquals(10, BatchWorkflowImpl.backoff(2).toSeconds());
    assertEquals(20, BatchWorkflowImpl.backoff(3).toSeconds());
    assertEquals(300, BatchWorkflowImpl.backoff(11).toSeconds());
  }
}
