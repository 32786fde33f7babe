package dev.lambdo.devkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The emulator's OOM killer watches whole process trees against {@code guest.memory_mb}. */
class FlyEmulatorMemoryTest {
  @RegisterExtension final RunningEmulator emulator = new RunningEmulator();

  private JsonNode exitOf(String id) {
    assertEquals(200, emulator.http().machines("GET", "/" + id + "/wait?state=stopped&timeout=30", null).status());
    for (JsonNode event : emulator.http().machines("GET", "/" + id + "/events", null).body()) {
      if (event.path("type").asText().equals("exit")) {
        return event.path("request").path("exit_event");
      }
    }
    throw new AssertionError("no exit event");
  }

  @Test
  void aGrandchildOverTheMachinesMemoryGetsTheWholeMachineKilled() {
    String id = emulator.http().createId("\"guest\":{\"cpu_kind\":\"shared\",\"cpus\":1,\"memory_mb\":256}", "sh", "-c",
        "python3 -c 'import time; x = bytearray(400 * 1024 * 1024); time.sleep(30)'; echo survived");

    JsonNode exit = exitOf(id);

    assertTrue(exit.path("oom_killed").asBoolean(), exit.toString());
    assertEquals(9, exit.path("signal").asInt(), exit.toString());
  }

  @Test
  void aMachineWithinItsMemoryIsLeftAlone() {
    String id = emulator.http().createId("\"guest\":{\"cpu_kind\":\"shared\",\"cpus\":1,\"memory_mb\":512}", "python3", "-c",
        "import time; x = bytearray(300 * 1024 * 1024); time.sleep(1)");

    JsonNode exit = exitOf(id);

    assertFalse(exit.path("oom_killed").asBoolean(), exit.toString());
    assertEquals(0, exit.path("exit_code").asInt());
  }
}
