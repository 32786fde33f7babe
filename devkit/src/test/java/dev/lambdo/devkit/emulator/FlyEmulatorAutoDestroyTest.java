package dev.lambdo.devkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code config.auto_destroy}: the machine destroys itself once its process has finished (docs/fly-machines-api.md §2). */
class FlyEmulatorAutoDestroyTest {
  @RegisterExtension final RunningEmulator emulator = new RunningEmulator();

  private static List<String> types(JsonNode events) {
    List<String> types = new ArrayList<>();
    events.forEach(e -> types.add(e.path("type").asText() + "/" + e.path("status").asText()));
    return types;
  }

  private static List<String> ids(JsonNode machines) {
    List<String> ids = new ArrayList<>();
    machines.forEach(m -> ids.add(m.path("id").asText()));
    return ids;
  }

  @Test
  void aMachineWithAutoDestroyIsDestroyedAfterItsExitIsRecorded() {
    String id = emulator.http().createId("\"auto_destroy\":true", "sh", "-c", "exit 3");

    EmulatorHttp.Reply waited = emulator.http().machines("GET", "/" + id + "/wait?state=destroyed&timeout=10", null);

    assertEquals(200, waited.status(), waited.body().toString());
    EmulatorHttp.Reply got = emulator.http().machines("GET", "/" + id, null);
    assertEquals(200, got.status(), "a destroyed machine can still be fetched (docs/fly-machines-api.md §3)");
    assertEquals("destroyed", got.body().path("state").asText());
    JsonNode events = emulator.http().machines("GET", "/" + id + "/events", null).body();
    assertEquals(List.of("destroy/destroyed", "exit/stopped", "start/started", "launch/created"), types(events),
        "newest first: the exit comes before the destroy");
    assertEquals(3, events.get(1).path("request").path("exit_event").path("exit_code").asInt());
    assertEquals(404, emulator.http().machines("DELETE", "/" + id + "?force=true", null).status());
    assertEquals(0, emulator.fly().machinesAlive());
    assertTrue(!ids(emulator.http().machines("GET", "", null).body()).contains(id), "left out of the list");
    assertTrue(ids(emulator.http().machines("GET", "?include_deleted=true", null).body()).contains(id));
  }

  @Test
  void withoutAutoDestroyAnExitedMachineStaysStopped() {
    String id = emulator.http().createId("\"auto_destroy\":false", "true");

    assertEquals(200, emulator.http().machines("GET", "/" + id + "/wait?state=stopped&timeout=10", null).status());
    assertEquals(408, emulator.http().machines("GET", "/" + id + "/wait?state=destroyed&timeout=1", null).status());
    assertEquals("stopped", emulator.fly().state(id));
    assertEquals(1, emulator.fly().machinesAlive());
  }

  @Test
  void aStoppedAutoDestroyMachineIsDestroyedToo() {
    String id = emulator.http().createId("\"auto_destroy\":true", "sleep", "30");
    assertEquals(200, emulator.http().machines("GET", "/" + id + "/wait?state=started&timeout=10", null).status());

    emulator.http().machines("POST", "/" + id + "/stop", "{\"signal\":\"SIGTERM\"}");

    assertEquals(200, emulator.http().machines("GET", "/" + id + "/wait?state=destroyed&timeout=10", null).status());
    assertEquals(0, emulator.fly().machinesAlive());
  }
}
