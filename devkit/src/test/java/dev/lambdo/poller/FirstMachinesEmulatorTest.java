package dev.lambdo.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.config.OnFailure;
import dev.lambdo.config.PoolSettings;
import dev.lambdo.config.Secret;
import dev.lambdo.devkit.emulator.Faults;
import dev.lambdo.devkit.emulator.FlyEmulator;
import dev.lambdo.event.Batch;
import dev.lambdo.event.Guest;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.event.QueuedEvent;
import dev.lambdo.fly.FlyClient;
import dev.lambdo.pool.Pools;
import dev.lambdo.worker.MachineActivitiesImpl;
import dev.lambdo.metrics.MachineMetrics;
import dev.lambdo.workflow.AttemptRequest;
import dev.lambdo.workflow.FirstCreate;
import dev.lambdo.workflow.MachineActivities;
import dev.lambdo.workflow.MachineRef;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9: the first machine a poller of its own makes before a batch's start, against the Fly
 * emulator: the machine the workflow's own create would make, and never a second one.
 */
class FirstMachinesEmulatorTest {
  /** The workflow id {@link TestActivityEnvironment} gives its activities. */
  private static final String WORKFLOW_ID = "test-workflow-id";
  private static final String NAMESPACE = "default";

  @TempDir Path dir;
  private FlyEmulator fly;
  private FlyClient client;
  private TestActivityEnvironment env;
  private MachineActivities activities;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Batch batch = batch("img:1", 1);
  /** The batch the activities' workflow run has as its input. */
  private Batch current = batch;

  private static Batch batch(String image, int receiveCount) {
    return new Batch("q", new MachineSpec(image, "shared-cpu-1x", Guest.cpu("shared", 1, 256),
        List.of("sleep", "5"), null, null, 60, 0), List.of(new QueuedEvent("m1", "h", "{\"n\":1}", receiveCount)),
        OnFailure.ACK);
  }

  @BeforeEach
  void start() throws Exception {
    fly = new FlyEmulator(0, "t0ken", dir);
    client = new FlyClient(FlyClient.defaultHttpClient(), HttpUrl.get(fly.url()), HttpUrl.get(fly.url()),
        new Secret("t0ken"), "app");
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new MachineActivitiesImpl(client, new MachineActivitiesImpl.Timing(
        Duration.ofSeconds(2), Duration.ofSeconds(5), 200, 64 * 1024, Duration.ofSeconds(20)), "iad", Clock.systemUTC(),
        (workflowId, runId) -> current, 0, new MachineMetrics(registry)));
    activities = env.newActivityStub(MachineActivities.class);
  }

  @AfterEach
  void stop() {
    env.close();
    fly.close();
  }

  private FirstMachines firstMachines(Pools pools) {
    return new FirstMachines(client, NAMESPACE, "iad", pools, registry, new MachineMetrics(registry));
  }

  private double counted(String outcome) {
    return registry.get("lambdo.first.machines").tag("outcome", outcome).counter().count();
  }

  @Test
  void theMachineMadeBeforeTheStartIsTheOneTheWorkflowsCreateWouldMake() {
    Batch sent = firstMachines(Pools.NONE).madeFor(WORKFLOW_ID, batch);

    MachineRef made = sent.firstCreate().machine();
    assertEquals(1, fly.machinesCreated());
    assertEquals(WORKFLOW_ID + "-a1", made.name());
    assertEquals(fly.machineIds().iterator().next(), made.id());
    assertEquals(client.get(made.id()).instanceId(), made.instanceId(), "the version the worker awaits");
    assertEquals(java.util.Optional.of("[{\"n\":1}]"), fly.guestFile(made.id(), "/tmp/events.json"));
    MachineRef ownCreate = activities.createAttemptMachine(AttemptRequest.all(2));
    assertEquals(fly.config(ownCreate.id()).toString().replace("\"2\"", "\"1\""), fly.config(made.id()).toString(),
        "the same config, metadata and namespace but the attempt");
    assertEquals(1.0, counted("made"));
  }

  /** A message received before may have run under another grouping: its batch makes its own. */
  @Test
  void noMachineForAMessageReceivedBeforeNorForAShapeWithAPool() {
    Batch receivedBefore = batch("img:1", 2);
    assertSame(receivedBefore, firstMachines(Pools.NONE).madeFor(WORKFLOW_ID, receivedBefore));
    Pools pools = new Pools(PoolSettings.parse(
        "[{\"image\":\"img:1\",\"size\":\"shared-cpu-1x\",\"max\":2}]", "iad"), "iad");
    assertNull(firstMachines(pools).madeFor(WORKFLOW_ID, batch).firstCreate(), "a pooled shape claims first");
    assertNull(firstMachines(pools).madeFor(WORKFLOW_ID, batch("img:1", 2)).firstCreate());

    assertEquals(0, fly.machinesCreated());
  }

  /** A 429 was not carried out: the workflow's create, with its own retries, makes the machine. */
  @Test
  void aRefusedCreateLeavesTheBatchToItsWorkflow() {
    fly.faults().failNext(1, 429, Duration.ofSeconds(1));

    Batch sent = firstMachines(Pools.NONE).madeFor(WORKFLOW_ID, batch);

    assertNull(sent.firstCreate());
    assertEquals(0, fly.machinesCreated());
    assertEquals(1.0, counted("refused"));
  }

  /** Fly made it but the answer was lost: the workflow's create is told to look, and finds it. */
  @Test
  void aCreateWithNoAnswerIsFoundByTheWorkflowsCreateAndNotMadeTwice() {
    fly.faults().duplicateNames(Faults.DuplicateNames.ALLOW).loseNextAnswers(1, "POST");

    Batch sent = firstMachines(Pools.NONE).madeFor(WORKFLOW_ID, batch);

    assertEquals(FirstCreate.unanswered(), sent.firstCreate());
    assertEquals(1, fly.machinesCreated());
    MachineRef found = activities.createAttemptMachine(new AttemptRequest(1, null, null, true));
    assertEquals(fly.machineIds().iterator().next(), found.id());
    assertEquals(1, fly.machinesCreated(), "found, not made again");
    assertEquals(1.0, counted("unanswered"));
  }

  /** An earlier poller made it and died before its start: its name is taken, the workflow finds it. */
  @Test
  void aNameTakenMeansTheMachineExistsAndIsLookedFor() {
    firstMachines(Pools.NONE).madeFor(WORKFLOW_ID, batch);

    Batch again = firstMachines(Pools.NONE).madeFor(WORKFLOW_ID, batch);

    assertEquals(FirstCreate.unanswered(), again.firstCreate());
    assertEquals(1, fly.machinesCreated());
    assertEquals(1.0, counted("unanswered"));
  }

  /** A 408 or a 5xx may come after Fly acted: the workflow looks before it makes one. */
  @Test
  void aTimeoutOrAServerErrorIsNoClearAnswer() {
    fly.faults().failNext(1, 408, null);
    assertEquals(FirstCreate.unanswered(), firstMachines(Pools.NONE).madeFor(WORKFLOW_ID, batch).firstCreate());
    fly.faults().failNext(1, 503, null);
    assertEquals(FirstCreate.unanswered(), firstMachines(Pools.NONE).madeFor(WORKFLOW_ID, batch).firstCreate());
  }

  /**
   * The start failed after the create (Temporal out of reach): the messages come back received a
   * second time, and their batch's first create takes up the machine made for them, even where Fly
   * lets a name be taken twice.
   */
  @Test
  void aBatchReceivedAgainAfterAFailedStartTakesUpTheMachineMadeForIt() {
    fly.faults().duplicateNames(Faults.DuplicateNames.ALLOW);
    MachineRef made = firstMachines(Pools.NONE).madeFor(WORKFLOW_ID, batch).firstCreate().machine();
    current = batch("img:1", 2);

    MachineRef taken = activities.createAttemptMachine(AttemptRequest.all(1));

    assertEquals(made.id(), taken.id());
    assertEquals(1, fly.machinesCreated(), "found, not made again");
  }

  /** The start found the batch running: the machine made for it is nobody's, and goes at once. */
  @Test
  void aMachineMadeForABatchThatRunsAlreadyIsDestroyed() {
    FirstMachines first = firstMachines(Pools.NONE);
    Batch sent = first.madeFor(WORKFLOW_ID, batch);

    first.discard(WORKFLOW_ID, sent);

    String id = sent.firstCreate().machine().id();
    assertTrue(List.of("destroyed", "destroying").contains(fly.state(id)), fly.state(id));
  }
}
