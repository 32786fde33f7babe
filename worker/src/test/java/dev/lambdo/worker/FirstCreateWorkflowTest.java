package dev.lambdo.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
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
import dev.lambdo.workflow.FirstCreate;
import dev.lambdo.workflow.LambdoSearchAttributes;
import dev.lambdo.workflow.LogTail;
import dev.lambdo.workflow.MachineActivities;
import dev.lambdo.workflow.MachineRef;
import dev.lambdo.workflow.MessageActivities;
import dev.lambdo.workflow.PoolActivities;
import dev.lambdo.workflow.SettleResult;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 9: a batch whose poller made its first machine before the start runs its first attempt on
 * it, with no create between the message and the machine; later attempts create as before.
 */
class FirstCreateWorkflowTest {
  @RegisterExtension
  static final TestWorkflowExtension temporal = TestWorkflowExtension.newBuilder().setDoNotStart(true).build();

  private static final PoolSettings.Pool POOL = PoolSettings.parse(
      "[{\"image\":\"img:1\",\"size\":\"performance-2x\",\"max\":2}]", "iad").getFirst();
  private static final MachineRef MADE = new MachineRef("poller-made", "lambdo-x-a1", "iad", "v1");
  private static final LogTail LOGS = new LogTail(List.of("done"), false, true);

  private final MachineActivities machines = mock(MachineActivities.class, withSettings().withoutAnnotations());
  private final MessageActivities messages = mock(MessageActivities.class, withSettings().withoutAnnotations());
  private final PoolActivities pool = mock(PoolActivities.class, withSettings().withoutAnnotations());

  @BeforeEach
  void stepsAnswer(TestWorkflowEnvironment env) {
    LambdoSearchAttributes.DEFINITIONS.forEach(env::registerSearchAttribute);
    when(machines.createAttemptMachine(any())).thenReturn(new MachineRef("created", "n", "iad", "v"));
    when(machines.fetchLogs(any())).thenReturn(LOGS);
    when(messages.ackMessages(anyString(), anyList())).thenAnswer(i -> new SettleResult("ack", 1, List.of()));
  }

  private static Batch batch(int retries, FirstCreate first) {
    MachineSpec spec = new MachineSpec("img:1", "performance-2x", Guest.cpu("performance", 2, 4096),
        List.of("run"), null, null, 60, retries);
    return new Batch("http://q", spec, List.of(new QueuedEvent("m1", "rh1", "{}", 1)), OnFailure.ACK)
        .withFirstCreate(first);
  }

  private BatchResult run(TestWorkflowEnvironment env, Worker worker, WorkflowClient client, Pools pools, Batch batch) {
    return BatchWorkers.startUnpaced(env, worker, client, pools, machines, messages, pool).run(batch);
  }

  @Test
  void theFirstAttemptRunsOnThePollersMachineWithNoCreate(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) throws Exception {
    when(machines.awaitExit(any())).thenReturn(ExitStatus.exited(0));

    BatchResult result = run(env, worker, client, Pools.NONE, batch(2, new FirstCreate(MADE)));

    assertEquals("poller-made", result.machineId());
    verify(machines, never()).createAttemptMachine(any());
    verify(machines).destroyMachine(MADE);
    verify(messages).ackMessages("http://q", List.of(new dev.lambdo.sqs.Receipt("m1", "rh1")));
    BatchWorkflowTest.record(client, "poller-made");
  }

  @Test
  void aRetryAfterThePollersMachineFailedCreatesItsOwn(TestWorkflowEnvironment env, Worker worker,
      WorkflowClient client) throws Exception {
    when(machines.awaitExit(any())).thenReturn(ExitStatus.exited(1), ExitStatus.exited(0));
    when(messages.releaseMessages(anyString(), anyList())).thenAnswer(i -> new SettleResult("release", 1, List.of()));

    BatchResult result = run(env, worker, client, Pools.NONE, batch(1, new FirstCreate(MADE)));

    assertEquals("created", result.machineId());
    assertEquals(List.of("poller-made", "created"), result.history().stream().map(a -> a.machineId()).toList());
    verify(machines).createAttemptMachine(AttemptRequest.all(2));
    verify(machines).destroyMachine(MADE);
  }

  /** Fly may have made it: the create finds it by its metadata rather than making a second one. */
  @Test
  void aCreateThatGotNoAnswerIsLookedForFirst(TestWorkflowEnvironment env, Worker worker, WorkflowClient client)
      throws Exception {
    when(machines.awaitExit(any())).thenReturn(ExitStatus.exited(0));

    BatchResult result = run(env, worker, client, Pools.NONE, batch(0, FirstCreate.unanswered()));

    assertEquals("created", result.machineId());
    verify(machines).createAttemptMachine(new AttemptRequest(1, null, null, true));
    BatchWorkflowTest.record(client, "poller-unanswered");
  }

  /**
   * The poller read no pool for the shape (its settings may differ from this worker's): its machine
   * runs the events, so no pooled machine may run them too, and it is destroyed, not pooled.
   */
  @Test
  void aShapeWithAPoolStillRunsOnThePollersMachine(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    when(machines.awaitExit(any())).thenReturn(ExitStatus.exited(0));

    BatchResult result = run(env, worker, client, new Pools(List.of(POOL), "iad"), batch(0, new FirstCreate(MADE)));

    assertEquals("poller-made", result.machineId());
    verify(pool, never()).claimPoolMachine(any());
    verify(pool, never()).returnToPool(any());
    verify(machines).destroyMachine(MADE);
  }
}
