package dev.lambdo.devkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A created machine stays "created" while Fly would pull its image and boot it. */
class FlyEmulatorBootDelayTest {
  @TempDir Path dir;
  private FlyEmulator fly;
  private EmulatorHttp http;

  @BeforeEach
  void start() throws Exception {
    fly = new FlyEmulator(0, EmulatorHttp.TOKEN, dir);
    http = new EmulatorHttp(fly);
  }

  @AfterEach
  void stop() {
    fly.close();
  }

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
    fly.faults().bootDelay(Duration.ofMillis(1500));
    long sent = System.nanoTime();
    EmulatorHttp.Reply created = http.create("", "sleep", "30");
    String id = created.body().path("id").asText();

    assertEquals("created", created.body().path("state").asText());
    assertEquals("created", http.machines("GET", "/" + id, null).body().path("state").asText());
    assertEquals(408, http.machines("GET", "/" + id + "/wait?state=started&timeout=1", null).status(),
        "still booting after a second");
    EmulatorHttp.Reply started = http.machines("GET", "/" + id + "/wait?state=started&timeout=10", null);
    long waited = Duration.ofNanos(System.nanoTime() - sent).toMillis();

    assertEquals(200, started.status(), started.body().toString());
    assertTrue(waited >= 1400, "waited " + waited + " ms");
    JsonNode events = http.machines("GET", "/" + id + "/events", null).body();
    long boot = timestampOf(events, "start") - timestampOf(events, "launch");
    assertTrue(boot >= 1400, "start event " + boot + " ms after launch");
    assertEquals("started", fly.state(id));
  }

  @Test
  void aMachineStoppedWhileBootingNeverRunsItsProcess() throws Exception {
    fly.faults().bootDelay(Duration.ofMillis(800));
    String id = http.createId("", "touch", "ran");

    assertEquals(200, http.machines("POST", "/" + id + "/stop", "{}").status());
    Thread.sleep(1500);

    assertEquals("stopped", fly.state(id));
    assertFalse(Files.exists(fly.rootfs(id).resolve("ran")), "the process never ran");
    assertTrue(fly.startedAtMillis(id).isEmpty());
  }

  @Test
  void withoutABootDelayTheMachineStartsAtOnce() {
    String id = http.createId("", "sleep", "30");
    assertEquals(200, http.machines("GET", "/" + id + "/wait?state=started&timeout=2", null).status());
  }
}
