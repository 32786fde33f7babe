package dev.lambdo.devkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a machine runs when its config has {@code processes[]} beside or instead of {@code init}. */
class FlyEmulatorProcessesTest {
  @RegisterExtension final RunningEmulator emulator =
      new RunningEmulator(fly -> fly.mapImage("img:mapped", List.of("echo", "image-cmd")));

  /** Creates a machine from a raw config, waits for it to stop and returns its log lines. */
  private List<String> run(String config) {
    EmulatorHttp.Reply created = emulator.http().machines("POST", "", "{\"config\":" + config + "}");
    assertEquals(200, created.status(), created.body().toString());
    return emulator.logsAfterExit(created.body().path("id").asText());
  }

  @Test
  void aProcessCmdRunsWithItsEnvOnTopOfTheMachineEnv() {
    List<String> lines = run("""
        {"image":"img:1","env":{"GREETING":"hello","WHO":"machine"},
         "processes":[{"cmd":["sh","-c","echo $GREETING $WHO"],"env":{"WHO":"process"}}]}""");
    assertTrue(lines.contains("hello process"), lines.toString());
  }

  @Test
  void aProcessEntrypointTakesItsCmdAsArguments() {
    List<String> lines = run("""
        {"image":"img:1","processes":[{"entrypoint":["sh","-c"],"cmd":["echo from-entrypoint"]}]}""");
    assertTrue(lines.contains("from-entrypoint"), lines.toString());
  }

  @Test
  void aProcessExecReplacesEverythingElse() {
    List<String> lines = run("""
        {"image":"img:mapped","init":{"cmd":["echo","init-cmd"]},
         "processes":[{"exec":["echo","process-exec"],"cmd":["echo","process-cmd"]}]}""");
    assertTrue(lines.contains("process-exec"), lines.toString());
  }

  @Test
  void aProcessCmdOverridesInitCmdAndInitEntrypointStillApplies() {
    List<String> lines = run("""
        {"image":"img:1","init":{"entrypoint":["sh","-c"],"cmd":["echo init-cmd"]},
         "processes":[{"cmd":["echo process-cmd"]}]}""");
    assertTrue(lines.contains("process-cmd"), lines.toString());
  }

  @Test
  void withoutAnyCommandTheImagesCmdRuns() {
    List<String> lines = run("""
        {"image":"img:mapped","processes":[{"env":{"X":"1"}}]}""");
    assertTrue(lines.contains("image-cmd"), lines.toString());
  }

  @Test
  void moreThanOneProcessIsRefusedAsBeyondTheEmulator() {
    EmulatorHttp.Reply created = emulator.http().machines("POST", "", """
        {"config":{"image":"img:1","processes":[{"cmd":["true"]},{"cmd":["true"]}]}}""");
    assertEquals(422, created.status());
    assertTrue(created.body().path("error").asText().contains("emulator"), created.body().toString());
    assertEquals(0, emulator.fly().machinesCreated());
  }
}
