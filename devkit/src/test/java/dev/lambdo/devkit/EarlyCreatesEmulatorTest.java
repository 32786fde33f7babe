package dev.lambdo.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.lambdo.config.OnFailure;
import dev.lambdo.config.Secret;
import dev.lambdo.devkit.emulator.Faults;
import dev.lambdo.devkit.emulator.FlyEmulator;
import dev.lambdo.event.Batch;
import dev.lambdo.event.Guest;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.event.QueuedEvent;
import dev.lambdo.fly.FlyClient;
import dev.lambdo.pool.Pools;
import dev.lambdo.worker.EarlyCreates;
import dev.lambdo.worker.MachineActivitiesImpl;
import dev.lambdo.worker.MachineMetrics;
import dev.lambdo.workflow.AttemptRequest;
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
 * A create the poller begins beside a batch's start, taken up by the batch's first create, against
 * the Fly emulator: the same machine the create would have made, and never a second one.
 */
class EarlyCreatesEmulatorTest {
  /** The workflow id {@link TestActivityEnvironment} gives its activities. */
  private static final String WORKFLOW_ID = "test-workflow-id";
  /** The namespace it gives them: the client options' default. */
  private static final String NAMESPACE = "default";

  @TempDir Path dir;
  private FlyEmulator fly;
  private TestActivityEnvironment env;
  private MachineActivities activities;
  private EarlyCreates early;
  private FlyClient client;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final Batch batch = new Batch("q", new MachineSpec("img:1", "x", Guest.cpu("shared", 1, 256),
      List.of("sleep", "5"), null, null, 60, 0), List.of(new QueuedEvent("m1", "h", "{\"n\":1}", 1)), OnFailure.ACK);
  /** The batch the activities' workflow run has as its input. */
  private Batch current = batch;

  @BeforeEach
  void start() throws Exception {
    fly = new FlyEmulator(0, "t0ken", dir);
    client = new FlyClient(FlyClient.defaultHttpClient(), HttpUrl.get(fly.url()), HttpUrl.get(fly.url()),
        new Secret("t0ken"), "app");
    env = TestActivityEnvironment.newInstance();
    early = new EarlyCreates(client, NAMESPACE, "iad",
        new Pools(List.of(), "iad"));
    env.registerActivitiesImplementations(new MachineActivitiesImpl(client, new MachineActivitiesImpl.Timing(
        Duration.ofSeconds(2), Duration.ofSeconds(5), 200, 64 * 1024, Duration.ofSeconds(20)), "iad", Clock.systemUTC(),
        (workflowId, runId) -> current, 0, new MachineMetrics(registry), early));
    activities = env.newActivityStub(MachineActivities.class);
  }

  @AfterEach
  void stop() {
    env.close();
    fly.close();
  }

  @Test
  void theFirstCreateTakesTheMachineBegunBesideTheStartAndMakesNoOther() {
    early.begin(WORKFLOW_ID, batch);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> fly.machinesCreated() == 1);

    MachineRef machine = activities.createAttemptMachine(AttemptRequest.all(1));

    assertEquals(1, fly.machinesCreated(), "one machine for the batch");
    assertEquals(1, registry.get("lambdo.machine.create").timer().count(), "Fly's answer to the early create");
    // Made as the create makes it: found again by the metadata a retried create looks for.
    MachineRef again = activities.createAttemptMachine(new AttemptRequest(1, null, null, true));
    assertEquals(machine.id(), again.id());
    assertEquals(1, fly.machinesCreated());
  }

  @Test
  void aMachineBegunEarlyHasTheConfigTheCreateItselfGivesIt() {
    early.begin(WORKFLOW_ID, batch);
    MachineRef begun = activities.createAttemptMachine(AttemptRequest.all(1));
    MachineRef made = activities.createAttemptMachine(AttemptRequest.all(2));

    assertNotEquals(begun.id(), made.id());
    assertEquals(fly.config(made.id()).toString().replace("\"2\"", "\"1\""), fly.config(begun.id()).toString(),
        "the same config but the attempt");
    assertEquals(WORKFLOW_ID + "-a1", client.get(begun.id()).name());
    assertEquals(made.region(), begun.region());
  }

  /**
   * The batch's first task ran in another process than the one that began its create: that
   * process's create looks first, and finds it, even where Fly lets a name be taken twice.
   */
  @Test
  void aFirstCreateInAnotherProcessFindsTheMachineBegunForItsBatch() {
    fly.faults().duplicateNames(Faults.DuplicateNames.ALLOW);
    EarlyCreates elsewhere = new EarlyCreates(client, NAMESPACE, "iad", new Pools(List.of(), "iad"));
    elsewhere.begin(WORKFLOW_ID, batch);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> fly.machinesCreated() == 1);

    activities.createAttemptMachine(AttemptRequest.all(1));

    assertEquals(1, fly.machinesCreated(), "found, not made again");
  }

  /** Fly made the machine but its answer was lost: the first create finds it rather than make another. */
  @Test
  void aCreateBegunEarlyWhoseAnswerWasLostIsFoundByTheCreate() {
    fly.faults().duplicateNames(Faults.DuplicateNames.ALLOW).loseNextAnswers(1, "POST");
    early.begin(WORKFLOW_ID, batch);

    activities.createAttemptMachine(AttemptRequest.all(1));

    assertEquals(1, fly.machinesCreated());
  }

  /** Messages received before may have run under another batch: nothing begun is taken for them. */
  @Test
  void aBatchOfMessagesReceivedBeforeTakesNothingBegun() {
    Batch again = new Batch("q", batch.spec(), List.of(new QueuedEvent("m1", "h", "{\"n\":1}", 2)), OnFailure.ACK);
    current = again;
    early.begin(WORKFLOW_ID, batch);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> fly.machinesCreated() == 1);

    activities.createAttemptMachine(AttemptRequest.all(1));

    assertEquals(0, registry.get("lambdo.machine.create").timer().count(), "not taken up");
  }

  @Test
  void aCreateBegunEarlyThatFailedIsMadeByTheCreate() {
    fly.faults().failNext(1, 500, null);
    early.begin(WORKFLOW_ID, batch);

    MachineRef machine = activities.createAttemptMachine(AttemptRequest.all(1));

    assertEquals(1, fly.machinesCreated());
    assertEquals("iad", machine.region());
  }

  @Test
  void anAbandonedCreateIsNotTakenUp() throws Exception {
    early.begin(WORKFLOW_ID, batch);
    early.abandon(WORKFLOW_ID);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> fly.machinesCreated() == 1);

    // The create, not told of the machine, tries its name and finds it by its metadata.
    activities.createAttemptMachine(AttemptRequest.all(1));

    assertEquals(1, fly.machinesCreated(), "its name was taken: found, not made twice");
    assertEquals(0, registry.get("lambdo.machine.create").timer().count(), "the create did not take it up");
  }
}
