package dev.lambdo.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import dev.lambdo.config.OnFailure;
import dev.lambdo.config.PoolSettings;
import dev.lambdo.event.Batch;
import dev.lambdo.event.Guest;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.event.QueuedEvent;
import dev.lambdo.pool.Pools;
import dev.lambdo.workflow.AttemptRequest;
import dev.lambdo.workflow.BatchResult;
import dev.lambdo.workflow.ExitStatus;
import dev.lambdo.workflow.LambdoSearchAttributes;
import dev.lambdo.workflow.LogTail;
import dev.lambdo.workflow.MachineActivities;
import dev.lambdo.workflow.MachineRef;
import dev.lambdo.workflow.MessageActivities;
import dev.lambdo.workflow.PoolActivities;
import dev.lambdo.workflow.PoolClaim;
import dev.lambdo.workflow.SettleResult;
import io.temporal.client.WorkflowClient;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Issue 13: a batch whose shape has a warm pool takes its machines from it and gives them back. */
class PooledBatchWorkflowTest {
  @RegisterExtension
  static final TestWorkflowExtension temporal = TestWorkflowExtension.newBuilder().setDoNotStart(true).build();

  private static final PoolSettings.Pool POOL = PoolSettings.parse(
      "[{\"image\":\"img:1\",\"size\":\"performance-2x\",\"max\":2}]", "iad").getFirst();
  private static final MachineRef POOLED = new MachineRef("pooled-1", "n", "iad", "v", POOL.key(), 1_000);
  private static final LogTail LOGS = new LogTail(List.of("working", "done"), false, true);

  private final MachineActivities machines = mock(MachineActivities.class, withSettings().withoutAnnotations());
  private final MessageActivities messages = mock(MessageActivities.class, withSettings().withoutAnnotations());
  private final PoolActivities pool = mock(PoolActivities.class, withSettings().withoutAnnotations());

  @BeforeEach
  void setUp(TestWorkflowEnvironment env) {
    LambdoSearchAttributes.DEFINITIONS.forEach(env::registerSearchAttribute);
    when(machines.fetchLogs(any())).thenReturn(LOGS);
    when(messages.ackMessages(anyString(), anyList())).thenAnswer(i -> new SettleResult("ack", 2, List.of()));
    when(messages.releaseMessages(anyString(), anyList())).thenAnswer(i -> new SettleResult("release", 2, List.of()));
    when(pool.returnToPool(any())).thenReturn(true);
  }

  private static Batch batch(String image, int retries) {
    MachineSpec spec = new MachineSpec(image, "performance-2x", Guest.cpu("performance", 2, 4096),
        List.of("run"), null, null, 60, retries);
    return new Batch("http://q", spec, List.of(new QueuedEvent("m1", "rh1", "{}", 1),
        new QueuedEvent("m2", "rh2", "{}", 1)), OnFailure.ACK);
  }

  private BatchResult run(TestWorkflowEnvironment env, Worker worker, WorkflowClient client, Batch batch) {
    return BatchWorkers.startUnpaced(env, worker, client, new Pools(List.of(POOL), "iad"), machines, messages, pool)
        .run(batch);
  }

  @Test
  void aPooledMachineRunsTheBatchAndGoesBackInsteadOfBeingDestroyed(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) throws Exception {
    when(pool.claimPoolMachine(any())).thenReturn(new PoolClaim(POOLED, false));
    when(machines.awaitExit(any())).thenReturn(ExitStatus.exited(0));

    BatchResult result = run(env, worker, client, batch("img:1", 2));

    assertEquals("pooled-1", result.machineId());
    verify(pool).claimPoolMachine(new AttemptRequest(1, null, POOL.key()));
    verify(machines, never()).createAttemptMachine(any());
    verify(machines).fetchLogs(POOLED);
    verify(pool).returnToPool(POOLED);
    verify(machines, never()).destroyMachine(any());
    BatchWorkflowTest.record(client, "pooled");
  }

  @Test
  void aPooledMachineThatRanOutOfMemoryIsDestroyedAndTheRetryTakesAnother(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) throws Exception {
    MachineRef second = new MachineRef("pooled-2", "n", "iad", "v", POOL.key(), 2_000);
    when(pool.claimPoolMachine(any())).thenReturn(new PoolClaim(POOLED, false), new PoolClaim(second, false));
    when(machines.awaitExit(any())).thenReturn(new ExitStatus(137, 9, true, false), ExitStatus.exited(0));

    BatchResult result = run(env, worker, client, batch("img:1", 1));

    assertEquals(2, result.attempts());
    verify(machines).destroyMachine(POOLED);
    verify(pool, never()).returnToPool(POOLED);
    verify(pool).returnToPool(second);
    BatchWorkflowTest.record(client, "pooled-oom");
  }

  @Test
  void aMachineThatTimedOutIsNotTrustedWithAnotherBatch(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) {
    when(pool.claimPoolMachine(any())).thenReturn(new PoolClaim(POOLED, false));
    when(machines.awaitExit(any())).thenReturn(new ExitStatus(-1, -1, false, true));

    assertEquals(io.temporal.client.WorkflowFailedException.class, org.junit.jupiter.api.Assertions.assertThrows(
        Exception.class, () -> run(env, worker, client, batch("img:1", 0))).getClass());

    verify(machines).destroyMachine(POOLED);
    verify(pool, never()).returnToPool(any());
  }

  @Test
  void anEmptyPoolWithRoomGrowsByTheAttemptsNewMachine(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) {
    MachineRef made = new MachineRef("made-1", "n", "iad", "v", POOL.key(), 0);
    when(pool.claimPoolMachine(any())).thenReturn(new PoolClaim(null, true));
    when(machines.createAttemptMachine(any())).thenReturn(made);
    when(machines.awaitExit(any())).thenReturn(ExitStatus.exited(0));

    run(env, worker, client, batch("img:1", 0));

    verify(machines).createAttemptMachine(new AttemptRequest(1, null, POOL.key()));
    verify(pool).returnToPool(made);
    verify(machines, never()).destroyMachine(any());
  }

  @Test
  void aFullPoolLeavesTheAttemptAMachineOfItsOwn(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    MachineRef made = new MachineRef("made-1", "n", "iad", "v");
    when(pool.claimPoolMachine(any())).thenReturn(new PoolClaim(null, false));
    when(machines.createAttemptMachine(any())).thenReturn(made);
    when(machines.awaitExit(any())).thenReturn(ExitStatus.exited(0));

    run(env, worker, client, batch("img:1", 0));

    verify(machines).createAttemptMachine(AttemptRequest.all(1));
    verify(machines).destroyMachine(made);
    verify(pool, never()).returnToPool(any());
  }

  @Test
  void aMachineThePoolWillNotTakeBackIsDestroyed(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    when(pool.claimPoolMachine(any())).thenReturn(new PoolClaim(POOLED, false));
    when(pool.returnToPool(any())).thenReturn(false);
    when(machines.awaitExit(any())).thenReturn(ExitStatus.exited(0));

    run(env, worker, client, batch("img:1", 0));

    verify(machines).destroyMachine(POOLED);
  }

  @Test
  void aPoolThatCannotBeReachedFallsBackToACreate(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    when(pool.claimPoolMachine(any())).thenThrow(ApplicationFailure.newNonRetryableFailure("refused", "FlyRejected"));
    when(machines.createAttemptMachine(any())).thenReturn(new MachineRef("made-1", "n", "iad", "v"));
    when(machines.awaitExit(any())).thenReturn(ExitStatus.exited(0));

    BatchResult result = run(env, worker, client, batch("img:1", 0));

    assertEquals("made-1", result.machineId());
    // The claim may have booted a machine with the events before its answer was lost: the create finds it.
    verify(machines).createAttemptMachine(new AttemptRequest(1, null, null, true));
    BatchWorkflowTest.record(client, "claim-failed");
  }

  @Test
  void aShapeWithoutAPoolNeverTouchesOne(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    when(machines.createAttemptMachine(any())).thenReturn(new MachineRef("made-1", "n", "iad", "v"));
    when(machines.awaitExit(any())).thenReturn(ExitStatus.exited(0));

    run(env, worker, client, batch("img:2", 0));

    verify(pool, never()).claimPoolMachine(any());
    verify(machines, times(1)).destroyMachine(any());
  }
}
