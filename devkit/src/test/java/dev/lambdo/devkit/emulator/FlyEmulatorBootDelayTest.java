package dev.lambdo.devkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A created machine stays "created" while Fly would pull its image and boot it. */
class FlyEmulatorBootDelayTest {
  @RegisterExtension final RunningEmulator emulator = new RunningEmulator();

  private static long timestampOf(JsonNode events, String type) {
    for (JsonNode e : events) {
      if (e.path("type").asText().equals(type)) {
        return e.path("timestamp").asLong();
      }
    }
    throw new AssertionError("no " + type + " event in " + events);
  }

  @Test
  void theProcessStartsOnlyAfterTheBootDelayAndWaitHonoursIt() {
    emulator.fly().faults().bootDelay(Duration.ofMillis(1500));
    long sent = System.nanoTime();
    EmulatorHttp.Reply created = emulator.http().create("", "sleep", "30");
    String id = created.body().path("id").asText();

    assertEquals("created", created.body().path("state").asText());
    assertEquals("created", emulator.http().machines("GET", "/" + id, null).body().path("state").asText());
    assertEquals(408, emulator.http().machines("GET", "/" + id + "/wait?state=started&timeout=1", null).status(),
        "still booting after a second");
    EmulatorHttp.Reply started = emulator.http().machines("GET", "/" + id + "/wait?state=started&timeout=10", null);
    long waited = Duration.ofNanos(System.nanoTime() - sent).toMillis();

    assertEquals(200, started.status(), started.body().toString());
    assertTrue(waited >= 1400, "waited " + waited + " ms");
    JsonNode events = emulator.http().machines("GET", "/" + id + "/events", null).body();
    long boot = timestampOf(events, "start") - timestampOf(events, "launch");
    assertTrue(boot >= 1400, "start event " + boot + " ms after launch");
    assertEquals("started", emulator.fly().state(id));
  }

  @Test
  void aMachineStoppedWhileBootingNeverRunsItsProcess() throws Exception {
    emulator.fly().faults().bootDelay(Duration.ofMillis(800));
    String id = emulator.http().createId("", "touch", "ran");

    assertEquals(200, emulator.http().machines("POST", "/" + id + "/stop", "{}").status());
    Thread.sleep(1500);

    assertEquals("stopped", emulator.fly().state(id));
    assertFalse(Files.exists(emulator.fly().rootfs(id).resolve("ran")), "the process never ran");
    assertTrue(emulator.fly().startedAtMillis(id).isEmpty());
  }

  @Test
  void withoutABootDelayTheMachineStartsAtOnce() {
    String id = emulator.http().createId("", "sleep", "30");
    assertEquals(200, emulator.http().machines("GET", "/" + id + "/wait?state=started&timeout=2", null).status());
  }
}
