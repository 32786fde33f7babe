package dev.lambdo.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.config.OnFailure;
import dev.lambdo.config.PollerConfig;
import dev.lambdo.config.Secret;
import dev.lambdo.devkit.emulator.Faults;
import dev.lambdo.devkit.emulator.FlyEmulator;
import dev.lambdo.devkit.sqs.EmbeddedSqs;
import dev.lambdo.event.Batch;
import dev.lambdo.event.Guest;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.event.QueuedEvent;
import dev.lambdo.fly.FlyClient;
import dev.lambdo.metrics.MachineMetrics;
import dev.lambdo.pool.Pools;
import dev.lambdo.sqs.Receipt;
import dev.lambdo.sqs.ReceivedMessage;
import dev.lambdo.sqs.SqsQueue;
import dev.lambdo.workflow.BatchResult;
import dev.lambdo.workflow.BatchWorkflow;
import dev.lambdo.workflow.LambdoSearchAttributes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.api.enums.v1.EventType;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import okhttp3.HttpUrl;

/** What the poller does with messages that belong to a batch already, against ElasticMQ. */
class BatchStarterIntegrationTest {
  private static final String TASK_QUEUE = "batches";

  private EmbeddedSqs sqs;
  private EmbeddedSqs.Queues queues;
  private TestWorkflowEnvironment temporal;
  private BatchStarter starter;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /** A batch that runs until it is told (by the slot signal, unused otherwise) to end. */
  public static final class WaitingBatch implements BatchWorkflow {
    private boolean done;

    @Override
    public BatchResult run(Batch batch) {
      Workflow.await(() -> done);
      return null;
    }

    @Override
    public void redelivered(List<Receipt> receipts) {}

    @Override
    public void slotGranted() {
      done = true;
    }
  }

  @BeforeEach
  void start() throws Exception {
    sqs = new EmbeddedSqs(0);
    queues = sqs.createQueues("starter", 1);
    temporal = TestWorkflowEnvironment.newInstance();
    LambdoSearchAttributes.DEFINITIONS.forEach(temporal::registerSearchAttribute);
    Worker worker = temporal.newWorker(TASK_QUEUE);
    worker.registerWorkflowImplementationTypes(WaitingBatch.class);
    temporal.start();
    starter = new BatchStarter(temporal.getWorkflowClient(), new SqsQueue(sqs.client()), queues.main(), TASK_QUEUE,
        new PollerMetrics(registry, PollerConfig.fromEnv(Map.of("LAMBDO_SQS_QUEUE_URL", queues.main()))));
  }

  @AfterEach
  void stop() {
    temporal.close();
    sqs.close();
  }

  private ReceivedMessage receive(int waitSeconds) {
    List<ReceivedMessage> got = new SqsQueue(sqs.client())
        .receive(queues.main(), 10, Duration.ofSeconds(waitSeconds), Duration.ofSeconds(1));
    return got.isEmpty() ? null : got.getFirst();
  }

  private Batch batchOf(ReceivedMessage m) {
    MachineSpec spec = new MachineSpec("img:1", "shared-cpu-1x", Guest.cpu("shared", 1, 256), null, null, null, 60, 0);
    return new Batch(queues.main(), spec, List.of(new QueuedEvent(m.messageId(), m.receiptHandle(), m.body(), m.receiveCount())),
        OnFailure.ACK, 10, null, null);
  }

  @Test
  void aMessageOfARunningBatchIsHeldHiddenSoItIsNotCountedTowardTheDlqAgainAndAgain() {
    sqs.client().sendMessage(r -> r.queueUrl(queues.main()).messageBody("{}"));
    ReceivedMessage first = receive(5);
    String workflowId = starter.start(batchOf(first)).orElseThrow();

    // Nobody renews (the worker is down): after its 1 s visibility the message comes again.
    ReceivedMessage again = receive(5);
    assertEquals(first.messageId(), again.messageId());
    assertEquals(workflowId, starter.start(batchOf(again)).orElseThrow());
    assertEquals(1, registry.get("lambdo.batches.started").counter().count(), "joining the running batch starts none");

    assertTrue(temporal.getWorkflowClient().fetchHistory(workflowId).getEvents().stream()
        .anyMatch(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED), "the batch got the new handle");
    // Held hidden: not received again within three times its visibility timeout.
    assertEquals(null, receive(3), "the message of a running batch came back a third time");
  }

  @Test
  void aMessageOfAFinishedBatchIsDeleted() {
    sqs.client().sendMessage(r -> r.queueUrl(queues.main()).messageBody("{}"));
    ReceivedMessage first = receive(5);
    String workflowId = starter.start(batchOf(first)).orElseThrow();
    WorkflowClient client = temporal.getWorkflowClient();
    client.newWorkflowStub(BatchWorkflow.class, workflowId).slotGranted();
    client.newUntypedWorkflowStub(workflowId).getResult(BatchResult.class);

    ReceivedMessage again = receive(5);
    assertEquals(workflowId, starter.start(batchOf(again)).orElseThrow());
    assertEquals(0, sqs.approximateCount(queues.main()), "deleted, not run again");
  }

  /**
   * Issue 9, two apps: a poller given Fly's token makes the first machine before the start and hands
   * it to the workflow in its input; a start that finds its batch running destroys the one it made.
   */
  @Test
  void aPollerOfItsOwnHandsTheWorkflowTheMachineItMadeAndDestroysOneNoRunTakes(@TempDir Path dir) throws Exception {
    try (FlyEmulator fly = new FlyEmulator(0, "t0ken", dir)) {
      // SQS's rare duplicate first delivery, where Fly lets a name be taken twice: the worst case.
      fly.faults().duplicateNames(Faults.DuplicateNames.ALLOW);
      FlyClient client = new FlyClient(FlyClient.defaultHttpClient(), HttpUrl.get(fly.url()), HttpUrl.get(fly.url()),
          new Secret("t0ken"), "app");
      BatchStarter own = new BatchStarter(temporal.getWorkflowClient(), new SqsQueue(sqs.client()), queues.main(),
          TASK_QUEUE, new PollerMetrics(registry, PollerConfig.fromEnv(Map.of("LAMBDO_SQS_QUEUE_URL", queues.main()))),
          false, new FirstMachines(client, "default", "iad", Pools.NONE, registry, new MachineMetrics(registry)));
      sqs.client().sendMessage(r -> r.queueUrl(queues.main()).messageBody("{}"));
      Batch batch = batchOf(receive(5));

      String workflowId = own.start(batch).orElseThrow();

      String made = fly.machineIds().iterator().next();
      var started = temporal.getWorkflowClient().fetchHistory(workflowId).getEvents().getFirst()
          .getWorkflowExecutionStartedEventAttributes().getInput();
      Batch input = temporal.getWorkflowClient().getOptions().getDataConverter()
          .fromPayloads(0, java.util.Optional.of(started), Batch.class, Batch.class);
      assertEquals(made, input.firstCreate().machine().id());

      assertEquals(workflowId, own.start(batch).orElseThrow());
      assertEquals(2, fly.machinesCreated());
      assertEquals(1, fly.machinesAlive(), "the second machine, which no run takes, is gone");
      assertTrue(!List.of("destroyed", "destroying").contains(fly.state(made)), "the run's own machine stays");
    }
  }
}
