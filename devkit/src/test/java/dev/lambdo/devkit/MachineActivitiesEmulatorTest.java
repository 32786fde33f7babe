package dev.lambdo.devkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.config.OnFailure;
import dev.lambdo.config.Secret;
import dev.lambdo.devkit.emulator.FlyEmulator;
import dev.lambdo.event.Batch;
import dev.lambdo.event.Guest;
import dev.lambdo.event.MachineSpec;
import dev.lambdo.event.QueuedEvent;
import dev.lambdo.fly.CreateMachineRequest;
import dev.lambdo.fly.FlyClient;
import dev.lambdo.fly.MachineConfig;
import dev.lambdo.worker.MachineActivitiesImpl;
import dev.lambdo.metrics.MachineMetrics;
import dev.lambdo.worker.RunInputs;
import dev.lambdo.workflow.AwaitExitRequest;
import dev.lambdo.workflow.ExitStatus;
import dev.lambdo.workflow.LogTail;
import dev.lambdo.workflow.MachineActivities;
import dev.lambdo.workflow.MachineRef;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import okhttp3.HttpUrl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The machine activities against the Fly emulator over HTTP: the real client, real processes. */
class MachineActivitiesEmulatorTest {
  @TempDir Path dir;
  private FlyEmulator fly;
  private TestActivityEnvironment env;
  private MachineActivities activities;
  private FlyClient client;
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeEach
  void start() throws Exception {
    fly = new FlyEmulator(0, "t0ken", dir);
    client = new FlyClient(FlyClient.defaultHttpClient(), HttpUrl.get(fly.url()), HttpUrl.get(fly.url()),
        new Secret("t0ken"), "app");
    MachineActivitiesImpl.Timing timing = new MachineActivitiesImpl.Timing(
        Duration.ofSeconds(2), Duration.ofSeconds(5), 200, 64 * 1024, Duration.ofSeconds(20));
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(new MachineActivitiesImpl(client, timing, "iad", Clock.systemUTC(),
        // These tests hand createMachine its batch; no workflow run to read one from.
        new RunInputs(null), 0, new MachineMetrics(registry)));
    activities = env.newActivityStub(MachineActivities.class);
  }

  @AfterEach
  void stop() {
    env.close();
    fly.close();
  }

  private static Batch batch(List<String> command, String region, int timeoutSeconds, Guest guest) {
    MachineSpec spec = new MachineSpec("img:1", "x", guest, command, region, null, timeoutSeconds, 0);
    return new Batch("q", spec, List.of(new QueuedEvent("m1", "h", "{\"n\":1}", 1),
        new QueuedEvent("m2", "h", "\"two\"", 1)), OnFailure.ACK);
  }

  private static Batch batch(List<String> command) {
    return batch(command, null, 60, Guest.cpu("shared", 1, 256));
  }

  private ExitStatus await(MachineRef machine, int timeoutSeconds) {
    return activities.awaitExit(new AwaitExitRequest(machine, timeoutSeconds));
  }

  @Test
  void runsTheCommandWithTheEventsFileAndReportsExitAndLogs() throws Exception {
    MachineRef machine = activities.createMachine(batch(List.of("sh", "-c", "echo attempt $LAMBDO_ATTEMPT; cat $EVENTS_PATH; exit 3")), 1);

    ExitStatus exit = await(machine, 30);
    LogTail logs = activities.fetchLogs(machine);

    assertEquals(3, exit.exitCode());
    assertFalse(exit.succeeded());
    assertEquals("[{\"n\":1},\"two\"]", Files.readString(fly.rootfs(machine.id()).resolve("tmp/events.json")));
    assertTrue(logs.lines().contains("attempt 1"), logs.lines().toString());
    assertTrue(logs.lines().contains("[{\"n\":1},\"two\"]"), logs.lines().toString());
    assertTrue(logs.complete(), "the init's exit line was seen");
    assertEquals("iad", machine.region(), "the worker's default region");
    assertEquals("/tmp/events.json", fly.config(machine.id()).path("env").path("EVENTS_PATH").asText());
    assertEquals("no", fly.config(machine.id()).path("restart").path("policy").asText());
  }

  @Test
  void metersTheCreateAndEachEventsTimeFromSendToItsFirstMachine() {
    long sent = System.currentTimeMillis() - 2_000;
    MachineSpec spec = new MachineSpec("img:1", "x", Guest.cpu("shared", 1, 256), List.of("true"), null, null, 60, 0);
    Batch batch = new Batch("q", spec, List.of(new QueuedEvent("m1", "h", "1", 1, sent),
        new QueuedEvent("m2", "h", "2", 1, sent + 1_000)), OnFailure.ACK);

    activities.createMachine(batch, 1);
    activities.createMachine(batch, 2);

    assertEquals(2, registry.get("lambdo.machine.create").timer().count(), "every machine Fly made");
    Timer sendToStart = registry.get("lambdo.send.to.machine.start").timer();
    assertEquals(2, sendToStart.count(), "each event once, from its first attempt");
    double oldest = sendToStart.max(java.util.concurrent.TimeUnit.SECONDS);
    assertTrue(oldest >= 2 && oldest < 10, "oldest " + oldest);
  }

  @Test
  void aReplaysEventsAreNotTimedFromTheirSendLongAgo() {
    MachineSpec spec = new MachineSpec("img:1", "x", Guest.cpu("shared", 1, 256), List.of("true"), null, null, 60, 0);
    Batch original = new Batch("q", spec, List.of(new QueuedEvent("m1", "h", "1", 1, 1_700_000_000_000L)), OnFailure.ACK);

    activities.createMachine(original.asReplayOf("lambdo-earlier"), 1);

    assertEquals(1, registry.get("lambdo.machine.create").timer().count());
    assertEquals(0, registry.get("lambdo.send.to.machine.start").timer().count());
  }

  @Test
  void aMachineIsAliveWhileItsExitIsAwaited() throws Exception {
    MachineRef machine = activities.createMachine(batch(List.of("sleep", "2")), 1);
    var alive = registry.get("lambdo.machines.alive").gauge();
    assertEquals(0, alive.value());
    Thread awaiting = Thread.ofVirtual().start(() -> await(machine, 30));
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> alive.value() == 1);
    awaiting.join(30_000);
    assertEquals(0, alive.value());
  }

  @Test
  void aRetriedCreateFindsTheMachineItMadeInsteadOfMakingAnother() {
    Batch batch = batch(List.of("sleep", "5"));
    MachineRef first = activities.createMachine(batch, 1);
    MachineRef again = activities.createMachine(batch, 1);
    MachineRef nextAttempt = activities.createMachine(batch, 2);

    assertEquals(first.id(), again.id());
    assertTrue(!first.id().equals(nextAttempt.id()));
    assertEquals(2, fly.machinesCreated());
  }

  /**
   * A create run again after its workflow task was lost (a local create) is attempt 1 again and
   * does not look first: when the name is taken by a machine the metadata list does not show, it
   * must be tried again (attempt 2 looks first), not end the batch as rejected.
   */
  @Test
  void aTakenNameWhoseMachineIsNotListedIsTriedAgain() {
    Batch batch = batch(List.of("sleep", "5"));
    MachineRef first = activities.createMachine(batch, 1);
    String name = client.get(first.id()).name();
    client.destroy(first.id());
    client.create(new CreateMachineRequest(name, "iad", new MachineConfig("img:1",
        new MachineConfig.Init(List.of("sleep", "5"), null), Map.of(), List.of(), null, null, Map.of(), null)));

    ActivityFailure e = assertThrows(ActivityFailure.class, () -> activities.createMachine(batch, 1));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertTrue(!cause.isNonRetryable(), cause.getOriginalMessage());
  }

  @Test
  void aCreateThatMeets429sWaitsAsToldAndMakesOneMachine() {
    fly.faults().failNext(3, 429, Duration.ofSeconds(1));
    long start = System.nanoTime();
    MachineRef machine = activities.createMachine(batch(List.of("true")), 1);
    long waitedMs = (System.nanoTime() - start) / 1_000_000;

    assertEquals(1, fly.machinesCreated());
    assertTrue(waitedMs >= 2_900, "Retry-After: 1 honoured three times, waited " + waitedMs + " ms");
    assertEquals("iad", machine.region());
  }

  @Test
  void capacityErrorsMoveToTheNextRegionOfTheExpression() {
    fly.faults().noCapacityIn("iad");
    MachineRef machine = activities.createMachine(batch(List.of("true"), "iad,dfw", 60, Guest.cpu("shared", 1, 256)), 1);
    assertEquals("dfw", machine.region());
  }

  @Test
  void capacityIsRecognisedWhateverStatusFlySendsWithIt() {
    for (int status : new int[] {409, 412, 503}) {
      fly.faults().noCapacityIn("iad").capacityStatus(status);
      MachineRef machine = activities.createMachine(batch(List.of("true"), "iad,dfw", 60, Guest.cpu("shared", 1, 256)), status);
      assertEquals("dfw", machine.region(), "status " + status);
    }
  }

  @Test
  void noCapacityAnywhereIsARetryableFailure() {
    fly.faults().noCapacityIn("iad", "dfw");
    ActivityFailure e = assertThrows(ActivityFailure.class,
        () -> activities.createMachine(batch(List.of("true"), "iad,dfw", 60, Guest.cpu("shared", 1, 256)), 1));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertEquals("FlyCapacity", cause.getType());
    assertFalse(cause.isNonRetryable());
  }

  @Test
  void serverErrorsAreLeftToTemporalToRetryAfterRetryAfter() {
    fly.faults().failNext(1, 503, Duration.ofSeconds(4));
    ActivityFailure e = assertThrows(ActivityFailure.class, () -> activities.createMachine(batch(List.of("true")), 1));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertFalse(cause.isNonRetryable());
    assertEquals(Duration.ofSeconds(4), cause.getNextRetryDelay());
  }

  @Test
  void aMachineFlyRejectsIsNotRetried() {
    Batch batch = new Batch("q", new MachineSpec("", "x", Guest.cpu("shared", 1, 256), null, null, null, 60, 0),
        List.of(new QueuedEvent("m", "h", "1", 1)), OnFailure.ACK);
    ActivityFailure e = assertThrows(ActivityFailure.class, () -> activities.createMachine(batch, 1));
    ApplicationFailure cause = assertInstanceOf(ApplicationFailure.class, e.getCause());
    assertTrue(cause.isNonRetryable());
    assertTrue(cause.getOriginalMessage().contains("422: config.image is required"), cause.getOriginalMessage());
  }

  @Test
  void aMachinePastItsTimeoutIsStopped() {
    MachineRef machine = activities.createMachine(batch(List.of("sleep", "60")), 1);
    long start = System.nanoTime();
    ExitStatus exit = await(machine, 1);
    assertTrue(exit.timedOut());
    assertFalse(exit.succeeded());
    assertEquals("stopped", fly.state(machine.id()));
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 20);
  }

  @Test
  void aMachineOverItsMemoryIsOomKilled() {
    MachineRef machine = activities.createMachine(batch(
        List.of("python3", "-c", "import time; x = bytearray(400 * 1024 * 1024); time.sleep(30)")), 1);
    ExitStatus exit = await(machine, 30);
    assertTrue(exit.oomKilled(), exit.toString());
    assertEquals("killed: out of memory", exit.describe());
  }

  @Test
  void aMachineKilledByASignalSaysWhichOne() {
    MachineRef machine = activities.createMachine(batch(List.of("sh", "-c", "kill -KILL $$")), 1);
    ExitStatus exit = await(machine, 30);
    assertEquals(9, exit.signal());
    assertFalse(exit.oomKilled());
    assertEquals("killed by signal 9", exit.describe());
  }

  @Test
  void aMachineThatNeverStartsIsStoppedAtItsTimeout() {
    fly.faults().neverStart(true);
    MachineRef machine = activities.createMachine(batch(List.of("true")), 1);
    ExitStatus exit = await(machine, 2);
    assertTrue(exit.timedOut());
    assertFalse(exit.succeeded());
    assertEquals("stopped", fly.state(machine.id()));
  }

  @Test
  void aMachineDestroyedBeforeItIsAwaitedHasVanished() {
    MachineRef machine = activities.createMachine(batch(List.of("sleep", "30")), 1);
    activities.destroyMachine(machine);
    ExitStatus exit = await(machine, 30);
    assertTrue(exit.vanished(), exit.toString());
    assertFalse(exit.succeeded());
  }

  @Test
  void aMachineTheApiDoesNotKnowHasVanished() {
    // As after `./lambdo dev` restarts its emulator under a running batch, or a lost host.
    ExitStatus exit = await(new MachineRef("3d8d9e1b2c4a87", "lambdo-x-a1", "iad", "01J0000000000000000000000"), 30);
    assertTrue(exit.vanished(), exit.toString());
  }

  @Test
  void aMachineDestroyedWhileItIsAwaitedHasVanished() throws Exception {
    MachineRef machine = activities.createMachine(batch(List.of("sleep", "30")), 1);
    Thread destroyer = Thread.ofVirtual().start(() -> {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
      client.destroy(machine.id());
    });
    long start = System.nanoTime();
    ExitStatus exit = await(machine, 30);
    destroyer.join();
    assertTrue(exit.vanished(), exit.toString());
    assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 15, "noticed at once, not at the timeout");
  }

  @Test
  void destroyingTwiceIsFine() {
    MachineRef machine = activities.createMachine(batch(List.of("sleep", "30")), 1);
    activities.destroyMachine(machine);
    activities.destroyMachine(machine);
    assertEquals("destroyed", fly.state(machine.id()));
    assertEquals(0, fly.machinesAlive());
  }
}
