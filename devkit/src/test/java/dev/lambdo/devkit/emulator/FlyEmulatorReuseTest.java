package dev.lambdo.devkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13: a stopped machine is used again — updated with a new config, started — as a warm
 * pool would, and each boot starts from the image: what the last run wrote is gone ("Restarting
 * wipes the ephemeral file system, just as a fly deploy or fly machine update will").
 */
class FlyEmulatorReuseTest {
  /** Fails if a file the last run left is still there, then leaves one. */
  private static final String MARKER_CHECK = "\"sh\",\"-c\",\"test -e marker && exit 3; touch marker\"";

  @RegisterExtension final RunningEmulator emulator = new RunningEmulator();

  private EmulatorHttp.Reply machine(String id) {
    return emulator.http().machines("GET", "/" + id, null);
  }

  private void awaitStopped(String id) {
    EmulatorHttp.Reply stopped = emulator.http().machines("GET", "/" + id + "/wait?state=stopped&timeout=10", null);
    assertEquals(200, stopped.status(), stopped.body().toString());
  }

  /** The exit code of the machine's newest exit event. */
  private int lastExitCode(String id) {
    for (JsonNode e : emulator.http().machines("GET", "/" + id + "/events", null).body()) {
      if (e.path("type").asText().equals("exit")) {
        return e.path("request").path("exit_event").path("exit_code").asInt();
      }
    }
    throw new AssertionError("no exit event for " + id);
  }

  private String stoppedMachine() {
    String id = emulator.http().createId("", "sh", "-c", "test -e marker && exit 3; touch marker");
    awaitStopped(id);
    assertEquals(0, lastExitCode(id));
    return id;
  }

  @Test
  void anUpdateReplacesTheConfigAndStartsFromTheImageAgain() {
    String id = stoppedMachine();
    String before = machine(id).body().path("instance_id").asText();

    EmulatorHttp.Reply updated = emulator.http().machines("POST", "/" + id,
        "{\"config\":{\"image\":\"img:1\",\"env\":{\"RUN\":\"2\"},\"init\":{\"cmd\":[" + MARKER_CHECK + "]}}}");

    assertEquals(200, updated.status(), updated.body().toString());
    assertEquals("2", updated.body().path("config").path("env").path("RUN").asText());
    assertNotEquals(before, updated.body().path("instance_id").asText(), "a new version");
    awaitStopped(id);
    assertEquals(2, starts(id));
    assertEquals(0, lastExitCode(id), "the marker of the first run was gone");
  }

  private long starts(String id) {
    long n = 0;
    for (JsonNode e : emulator.http().machines("GET", "/" + id + "/events", null).body()) {
      n += e.path("type").asText().equals("start") && e.path("status").asText().equals("started") ? 1 : 0;
    }
    return n;
  }

  @Test
  void anUpdateWithSkipLaunchLeavesTheMachineStopped() throws InterruptedException {
    String id = stoppedMachine();
    EmulatorHttp.Reply updated = emulator.http().machines("POST", "/" + id,
        "{\"skip_launch\":true,\"config\":{\"image\":\"img:1\",\"init\":{\"cmd\":[\"sleep\",\"30\"]}}}");
    assertEquals(200, updated.status(), updated.body().toString());
    Thread.sleep(500);
    assertEquals("stopped", emulator.fly().state(id));
    assertEquals(1, starts(id), "only the first run started");
  }

  /** From review: a boot scheduled before a start, stop or update must not run as well. */
  @Test
  void aStartWhileTheCreateStillBootsRunsTheMachineOnce() throws InterruptedException {
    emulator.fly().faults().bootDelay(Duration.ofMillis(300)).startDelay(Duration.ofMillis(1200));
    String id = emulator.http().createId("", "sleep", "30");
    // Stopped while booting, then started at once: the create's boot is cancelled, the start's runs.
    assertEquals(200, emulator.http().machines("POST", "/" + id + "/stop", "{}").status());
    assertEquals(200, emulator.http().machines("POST", "/" + id + "/start", null).status());
    Thread.sleep(700);
    assertEquals("starting", emulator.fly().state(id), "the create's boot did not run");
    assertEquals(200, emulator.http().machines("GET", "/" + id + "/wait?state=started&timeout=5", null).status());
    assertEquals(1, starts(id));
  }

  @Test
  void anUpdateOfARunningMachineReplacesItsRunAndAutoDestroyKeepsTheMachine() {
    String id = emulator.http().createId("\"auto_destroy\":true", "sleep", "30");
    emulator.http().machines("GET", "/" + id + "/wait?state=started&timeout=5", null);

    EmulatorHttp.Reply updated = emulator.http().machines("POST", "/" + id,
        "{\"config\":{\"image\":\"img:1\",\"auto_destroy\":true,\"init\":{\"cmd\":[\"sleep\",\"30\"]}}}");

    assertEquals(200, updated.status(), updated.body().toString());
    assertEquals(200, emulator.http().machines("GET", "/" + id + "/wait?state=started&timeout=5", null).status());
    assertEquals(2, starts(id));
    JsonNode exit = emulator.http().machines("GET", "/" + id + "/events", null).body().findValue("exit_event");
    assertTrue(exit.path("requested_stop").asBoolean(), "the replaced run was asked to stop: " + exit);
  }

  @Test
  void aStoppedMachineStartsAgainAfterTheStartDelayNotTheBootDelay() {
    String id = stoppedMachine();
    emulator.fly().faults().bootDelay(Duration.ofSeconds(5)).startDelay(Duration.ofMillis(300));
    long sent = System.nanoTime();

    EmulatorHttp.Reply start = emulator.http().machines("POST", "/" + id + "/start", null);

    assertEquals(200, start.status(), start.body().toString());
    assertEquals("stopped", start.body().path("previous_state").asText());
    assertEquals(200, emulator.http().machines("GET", "/" + id + "/wait?state=started,stopped&timeout=3", null).status());
    long took = Duration.ofNanos(System.nanoTime() - sent).toMillis();
    assertTrue(took >= 250 && took < 4000, "started after " + took + " ms");
    awaitStopped(id);
    assertEquals(0, lastExitCode(id), "the marker of the first run was gone");
  }

  @Test
  void aRunningMachineCannotBeStarted() {
    String id = emulator.http().createId("", "sleep", "30");
    emulator.http().machines("GET", "/" + id + "/wait?state=started&timeout=5", null);
    EmulatorHttp.Reply start = emulator.http().machines("POST", "/" + id + "/start", null);
    assertEquals(412, start.status(), start.body().toString());
  }

  @Test
  void aDestroyedMachineCannotBeUpdatedOrStarted() {
    String id = stoppedMachine();
    assertEquals(200, emulator.http().machines("DELETE", "/" + id, null).status());
    assertEquals(404, emulator.http().machines("POST", "/" + id,
        "{\"config\":{\"image\":\"img:1\"}}").status());
    assertEquals(404, emulator.http().machines("POST", "/" + id + "/start", null).status());
  }

  /** docs/fly-machines-api.md §3: {@code current_version} guards against a lost update; name and region stay. */
  @Test
  void anUpdateForAnOlderVersionOrAnotherNameOrRegionIsRefused() {
    String id = stoppedMachine();
    String version = machine(id).body().path("instance_id").asText();
    String config = "\"config\":{\"image\":\"img:1\",\"init\":{\"cmd\":[\"true\"]}}";

    assertEquals(409, emulator.http().machines("POST", "/" + id,
        "{\"current_version\":\"01AAAAAAAAAAAAAAAAAAAAAAAA\"," + config + "}").status());
    assertEquals(400, emulator.http().machines("POST", "/" + id, "{\"region\":\"syd\"," + config + "}").status());
    assertEquals(400, emulator.http().machines("POST", "/" + id, "{\"name\":\"other\"," + config + "}").status());
    assertEquals(version, machine(id).body().path("instance_id").asText(), "none of them changed it");
    assertEquals(200, emulator.http().machines("POST", "/" + id,
        "{\"current_version\":\"" + version + "\",\"region\":\"iad\"," + config + "}").status());
  }

  /**
   * Of updates racing from one version, one applies: the version changes the moment one is
   * taken, not after the running process was stopped (a warm pool's claims rely on it; the
   * emulator once let two through while it killed the process, and two batches shared a machine).
   */
  @Test
  void ofUpdatesRacingFromOneVersionOnlyOneApplies() throws Exception {
    String id = emulator.http().createId("", "sleep", "60");
    assertEquals(200, emulator.http().machines("GET", "/" + id + "/wait?state=started&timeout=10", null).status());
    String version = machine(id).body().path("instance_id").asText();
    String update = "{\"current_version\":\"" + version + "\",\"skip_launch\":true,"
        + "\"config\":{\"image\":\"img:1\",\"init\":{\"cmd\":[\"true\"]}}}";
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Integer>> answers = new ArrayList<>();
    try (var threads = Executors.newFixedThreadPool(4)) {
      for (int i = 0; i < 4; i++) {
        answers.add(threads.submit(() -> {
          go.await();
          return emulator.http().machines("POST", "/" + id, update).status();
        }));
      }
      go.countDown();
    }
    List<Integer> statuses = new ArrayList<>();
    for (var answer : answers) {
      statuses.add(answer.get());
    }
    assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
    assertEquals(3, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
  }

  /**
   * docs/fly-machines-api.md §4 (wait): {@code version} names the version waited for, so a wait
   * for {@code stopped} cannot be answered by the stop of the run before an update.
   */
  @Test
  void aWaitForAVersionIsAnsweredOnlyByThatVersion() {
    String id = stoppedMachine();
    String before = machine(id).body().path("instance_id").asText();
    String after = emulator.http().machines("POST", "/" + id,
        "{\"skip_launch\":true,\"config\":{\"image\":\"img:1\",\"init\":{\"cmd\":[\"true\"]}}}").body()
        .path("instance_id").asText();

    EmulatorHttp.Reply replaced = emulator.http().machines("GET",
        "/" + id + "/wait?state=stopped&timeout=1&version=" + before, null);
    assertEquals(400, replaced.status(), replaced.body().toString());
    assertTrue(replaced.body().path("error").asText().contains("replaced"), replaced.body().toString());
    assertEquals(200, emulator.http().machines("GET",
        "/" + id + "/wait?state=stopped&timeout=1&instance_id=" + after, null).status(), "the deprecated alias");
    assertEquals(400, emulator.http().machines("GET", "/" + id + "/wait?state=stopped&version=v1", null).status());
  }

  @Test
  void anUpdateWithoutAnImageIsRefused() {
    String id = stoppedMachine();
    assertEquals(422, emulator.http().machines("POST", "/" + id, "{\"config\":{\"env\":{}}}").status());
  }
}
