package dev.lambdo.devkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a machine's process gets from the developer's machine: its config's env, PATH and the
 * emulator's FLY_* variables, a directory of its own, and nothing else of the emulator's env.
 */
class FlyEmulatorIsolationTest {
  @RegisterExtension final RunningEmulator emulator = new RunningEmulator();

  private List<String> logs(String id) {
    return emulator.logsAfterExit(id);
  }

  @Test
  void theEmulatorsOwnEnvironmentNeverReachesAMachine() {
    Map<String, String> emulatorEnv = Map.of("AWS_SECRET_ACCESS_KEY", "s3cret", "PATH", "/opt/bin:/usr/bin",
        "HOME", "/home/dev", "LAMBDO_FLY_TOKEN", "fly-secret");
    Map<String, String> env = MachineEnv.of(emulatorEnv, Path.of("/m/rootfs"), Map.of("FLY_MACHINE_ID", "m1"),
        Map.of("GREETING", "hi"));

    assertEquals(Map.of("PATH", "/opt/bin:/usr/bin", "HOME", "/m/rootfs", "TMPDIR", "/m/rootfs/tmp",
        "FLY_MACHINE_ID", "m1", "GREETING", "hi"), env);
  }

  @Test
  void withoutAPathTheMachineGetsTheUsualOne() {
    Map<String, String> env = MachineEnv.of(Map.of(), Path.of("/m/rootfs"), Map.of(), Map.of());

    assertEquals(MachineEnv.DEFAULT_PATH, env.get("PATH"));
  }

  @Test
  void aMachineProcessSeesNoneOfTheTestsEnvironment() {
    Set<String> allowed = Set.of("PATH", "HOME", "TMPDIR", "GREETING", "PWD", "SHLVL", "_");
    Set<String> hostOnly = new HashSet<>(System.getenv().keySet());
    hostOnly.removeAll(allowed);
    hostOnly.removeIf(name -> name.startsWith("FLY_"));
    assertFalse(hostOnly.isEmpty(), "the test needs a variable of its own env to look for");

    String id = emulator.http().createId("\"env\":{\"GREETING\":\"hi\"}", "env");

    List<String> seen = new ArrayList<>();
    for (String line : logs(id)) {
      int eq = line.indexOf('=');
      if (eq > 0 && !line.startsWith("Main child")) {
        seen.add(line.substring(0, eq));
      }
    }
    assertTrue(seen.contains("GREETING") && seen.contains("FLY_MACHINE_ID"), seen.toString());
    List<String> leaked = seen.stream().filter(hostOnly::contains).toList();
    assertEquals(List.of(), leaked, "variables of the emulator's env seen by the machine");
  }

  @Test
  void eachMachineRunsInItsOwnDirectory() {
    String id = emulator.http().createId("", "sh", "-c", "pwd; echo home=$HOME; echo tmp=$TMPDIR");

    Path rootfs = emulator.fly().rootfs(id);
    assertEquals(List.of(rootfs.toString(), "home=" + rootfs, "tmp=" + rootfs.resolve("tmp")),
        logs(id).subList(0, 3));
  }

  @Test
  void aDestroyedMachinesDirectoryIsRemoved() {
    String id = emulator.http().createId("", "sh", "-c", "echo x > left-behind");
    logs(id);
    Path dir = emulator.fly().rootfs(id).getParent();
    assertTrue(Files.exists(dir.resolve("rootfs/left-behind")));

    assertEquals(200, emulator.http().machines("DELETE", "/" + id, null).status());

    assertFalse(Files.exists(dir), "the machine's directory outlived it");
  }

  @Test
  void aRequestFromABrowserPageIsRefused() {
    EmulatorHttp.Reply reply = emulator.http().withHeader("Origin", "http://evil.example")
        .create("", "sh", "-c", "echo ran");

    assertEquals(403, reply.status(), reply.body().toString());
    assertEquals(0, emulator.fly().machinesCreated());
  }
}
