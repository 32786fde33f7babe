package dev.lambdo.worker;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyList;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;
import static org.mockito.Mockito.withSettings;

import com.uber.m3.tally.RootScopeBuilder;
import com.uber.m3.tally.Scope;
import dev.lambdo.config.OnFailure;
import dev.lambdo.event.Batch;
import dev.lambdo.event.Guest;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.event.QueuedEvent;
import dev.lambdo.workflow.BatchWorkflow;
import dev.lambdo.workflow.ExitStatus;
import dev.lambdo.workflow.LambdoSearchAttributes;
import dev.lambdo.workflow.LogTail;
import dev.lambdo.workflow.MachineActivities;
import dev.lambdo.workflow.MachineRef;
import dev.lambdo.workflow.MessageActivities;
import dev.lambdo.workflow.SettleResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.reporter.MicrometerClientStatsReporter;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.TestWorkflowExtension;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** How batches end, counted from workflow code through the SDK's metrics scope: once, never on replay. */
class BatchMetricsTest {
  private static final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private static final Scope scope = new RootScopeBuilder().reporter(new MicrometerClientStatsReporter(registry))
      .reportEvery(com.uber.m3.util.Duration.ofMillis(20));

  @RegisterExtension
  static final TestWorkflowExtension temporal =
      TestWorkflowExtension.newBuilder().setMetricsScope(scope).setDoNotStart(true).build();

  private final MachineActivities machines = mock(MachineActivities.class, withSettings().withoutAnnotations());
  private final MessageActivities messages = mock(MessageActivities.class, withSettings().withoutAnnotations());

  @BeforeEach
  void registerSearchAttributes(TestWorkflowEnvironment env) {
    LambdoSearchAttributes.DEFINITIONS.forEach(env::registerSearchAttribute);
    registry.clear();
    when(machines.createAttemptMachine(any())).thenReturn(new MachineRef("machine-1", "n", "iad", "v"));
    when(machines.fetchLogs(any())).thenReturn(new LogTail(List.of("done"), false, true));
    when(messages.ackMessages(anyString(), anyList())).thenReturn(new SettleResult("ack", 1, List.of()));
  }

  private BatchWorkflow start(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    return BatchWorkers.start(env, worker, client, machines, messages, "lambdo-metrics");
  }

  private static Batch batch() {
    MachineSpec spec = new MachineSpec("img:1", "performance-2x", Guest.cpu("performance", 2, 4096),
        List.of("run"), null, null, 60, 0);
    return new Batch("http://q", spec, List.of(new QueuedEvent("m1", "rh1", "{}", 1)), OnFailure.ACK);
  }

  private static void awaitCount(String name, String reason, double count) {
    Awaitility.await(name + " " + reason).atMost(Duration.ofSeconds(5)).until(() -> registry.find(name).counters()
        .stream().filter(c -> reason == null || reason.equals(c.getId().getTag("reason")))
        .mapToDouble(Counter::count).sum() == count);
  }

  @Test
  void aBatchThatSucceedsIsCountedOnce(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    when(machines.awaitExit(any())).thenReturn(ExitStatus.exited(0));
    start(env, worker, client).run(batch());
    awaitCount("lambdo_batches_succeeded", null, 1);
    awaitCount("lambdo_batches_failed", null, 0);
  }

  @Test
  void aFailedBatchIsCountedWithHowItsLastMachineEnded(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    when(machines.awaitExit(any())).thenReturn(new ExitStatus(137, 9, true, false));
    BatchWorkflow workflow = start(env, worker, client);
    assertThrows(WorkflowFailedException.class, () -> workflow.run(batch()));
    awaitCount("lambdo_batches_failed", "oom", 1);
    awaitCount("lambdo_batches_succeeded", null, 0);
  }

  @Test
  void aMachineFlyRefusesCountsAsFly(TestWorkflowEnvironment env, Worker worker, WorkflowClient client) {
    when(machines.createAttemptMachine(any())).thenThrow(
        ApplicationFailure.newNonRetryableFailure("image not found", FlyFailures.REJECTED));
    BatchWorkflow workflow = start(env, worker, client);
    assertThrows(WorkflowFailedException.class, () -> workflow.run(batch()));
    awaitCount("lambdo_batches_failed", "fly", 1);
  }

  @Test
  void reasonsAreAFixedFew() {
    org.junit.jupiter.api.Assertions.assertEquals(List.of("exit_code", "signal", "oom", "timeout", "vanished"),
        List.of(BatchMetrics.reason(ExitStatus.exited(3)), BatchMetrics.reason(new ExitStatus(-1, 15, false, false)),
            BatchMetrics.reason(new ExitStatus(137, 9, true, false)), BatchMetrics.reason(new ExitStatus(143, -1, false, true)),
            BatchMetrics.reason(ExitStatus.VANISHED)));
  }
}
