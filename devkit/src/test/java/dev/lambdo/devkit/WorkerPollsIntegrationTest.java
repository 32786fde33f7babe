package dev.lambdo.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.config.WorkerConfig;
import dev.lambdo.devkit.emulator.FlyEmulator;
import dev.lambdo.devkit.sqs.EmbeddedSqs;
import dev.lambdo.devkit.sqs.Producer;
import dev.lambdo.devkit.temporal.TemporalServer;
import dev.lambdo.event.Batch;
import dev.lambdo.poller.FirstMachines;
import dev.lambdo.poller.PollerThread;
import dev.lambdo.sqs.SqsQueue;
import dev.lambdo.worker.WorkerMain;
import dev.lambdo.worker.WorkerParts;
import dev.lambdo.workflow.BatchResult;
import dev.lambdo.workflow.WorkflowIds;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.api.workflowservice.v1.StartWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code LAMBDO_WORKER_POLLS=true}: one process polls SQS and runs the batches, on the real
 * Temporal dev server, whose answer to a start then carries the batch's first workflow task.
 */
class WorkerPollsIntegrationTest {
  private static final String TOKEN = "one-process-token";
  @TempDir Path dir;

  /** Whether each start the client made was answered with its first workflow task. */
  private final List<Boolean> eagerAnswers = new CopyOnWriteArrayList<>();

  @Test
  void aWorkerThatPollsRunsTheBatchAndTakesItsFirstTaskFromTheStartsAnswer() throws Exception {
    try (TemporalServer temporal = TemporalServer.startCli(dir.resolve("temporal"), false);
        EmbeddedSqs sqs = new EmbeddedSqs(0);
        FlyEmulator fly = new FlyEmulator(0, TOKEN, dir.resolve("machines"))) {
      EmbeddedSqs.Queues queues = sqs.createQueues("one-process", 30);
      Map<String, String> env = new HashMap<>(fly.workerSettings("one-process"));
      env.putAll(Map.of("TEMPORAL_ADDRESS", temporal.address(), "LAMBDO_TASK_QUEUE", "one-process",
          "LAMBDO_SQS_QUEUE_URL", queues.main(), "LAMBDO_DLQ_URL", queues.dlq(),
          "LAMBDO_SQS_LONG_POLL_SECONDS", "1", "LAMBDO_HEALTH_PORT", "0", "LAMBDO_LOG_GRACE_SECONDS", "1",
          "LAMBDO_FLY_CREATES_PER_SECOND", "0", WorkerConfig.POLLS, "true"));
      WorkerConfig config = WorkerConfig.fromEnv(env);
      WorkflowServiceStubs stubs = WorkflowServiceStubs.newServiceStubs(
          WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.address())
              .setGrpcClientInterceptors(List.of(new StartAnswers())).build());
      WorkflowClient client = WorkflowClient.newInstance(stubs);
      SqsQueue queue = new SqsQueue(sqs.client());
      SimpleMeterRegistry workerMeters = new SimpleMeterRegistry();
      WorkerParts parts = WorkerParts.of(client, config, workerMeters);
      WorkerFactory worker = WorkerMain.start(client, config, queue, workerMeters, parts);
      PollerThread poller = WorkerMain.startPoller(client, config.poller().orElseThrow(), queue, new SimpleMeterRegistry(),
          parts.first(), failure -> {});
      boolean pollerStopped;
      try {
        String messageId = new Producer(sqs.client(), queues.main())
            .send("{\"one\":1}", "image", "img:one", "command", "[\"true\"]");
        String workflowId = WorkflowIds.forMessages(List.of(messageId));
        Awaitility.await("the batch ran").atMost(Duration.ofSeconds(60))
            .until(() -> sqs.approximateCount(queues.main()) == 0 && fly.machinesCreated() == 1 && fly.machinesAlive() == 0);
        BatchResult result = client.newUntypedWorkflowStub(workflowId).getResult(BatchResult.class);

        assertEquals(0, result.exit().exitCode());
        assertEquals(1, result.messages().settled(), "the message was deleted");
        assertEquals(List.of(true), eagerAnswers, "the start's answer carried the first workflow task to this process");
        assertNotSame(FirstMachines.NONE, parts.first(), "one process, creates unpaced: the poller makes first machines");
        var started = client.fetchHistory(workflowId).getEvents().getFirst()
            .getWorkflowExecutionStartedEventAttributes().getInput();
        Batch input = client.getOptions().getDataConverter()
            .fromPayloads(0, java.util.Optional.of(started), Batch.class, Batch.class);
        assertEquals(result.machineId(), input.firstCreate().machine().id(), "made before the start, run by the batch");
        assertEquals(1, workerMeters.get("lambdo.machine.create").timer().count(), "Fly's answer, measured once");
        assertEquals(1, workerMeters.get("lambdo.send.to.machine.start").timer().count(), "the event's wait measured");
        assertTrue(poller.isAlive());
      } finally {
        pollerStopped = poller.stop(Duration.ofSeconds(10));
        worker.shutdown();
        worker.awaitTermination(10, TimeUnit.SECONDS);
        stubs.shutdownNow();
      }
      assertTrue(pollerStopped, "the poller stops after the round in hand");
    }
  }

  /** Notes, for every StartWorkflowExecution answer, whether it carried an eager workflow task. */
  private final class StartAnswers implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
            @Override
            public void onMessage(R message) {
              if (message instanceof StartWorkflowExecutionResponse answer) {
                eagerAnswers.add(answer.hasEagerWorkflowTask());
              }
              super.onMessage(message);
            }
          }, headers);
        }
      };
    }
  }
}
