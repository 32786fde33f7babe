package dev.lambdo.devkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Where machines' processes come from, and what they leave behind in the emulator. */
class FlyEmulatorSpawnTest {
  @RegisterExtension final RunningEmulator emulator = new RunningEmulator();

  private List<String> run(String command) {
    EmulatorHttp.Reply created = emulator.http().machines("POST", "",
        "{\"config\":{\"image\":\"img:1\",\"init\":{\"cmd\":[\"sh\",\"-c\",\"" + command + "\"]}}}");
    assertEquals(200, created.status(), created.body().toString());
    return emulator.logsAfterExit(created.body().path("id").asText());
  }

  /**
   * Every process start copies and then closes each descriptor of the process that starts it, so
   * an emulator holding thousands (a pipe or socket per live machine) paid milliseconds per
   * machine, growing with the machines alive. Machines come from a spawner that holds few.
   */
  @Test
  void aMachineIsStartedByAProcessThatHoldsFewDescriptorsHoweverManyTheEmulatorHolds() throws IOException {
    List<FileInputStream> held = new ArrayList<>();
    try {
      for (int i = 0; i < 1000; i++) {
        held.add(new FileInputStream("/dev/null"));
      }
      List<String> lines = run("echo parent-fds=$(ls /proc/$PPID/fd | wc -l)");
      String line = lines.stream().filter(l -> l.startsWith("parent-fds=")).findFirst().orElseThrow();
      int fds = Integer.parseInt(line.substring("parent-fds=".length()).trim());
      assertTrue(fds < 100, line);
    } finally {
      for (FileInputStream in : held) {
        in.close();
      }
    }
  }

  /** Read at the exit only, output longer than one read must all arrive, the end most of all. */
  @Test
  void theEndOfALongOutputNobodyReadWhileItRanReachesTheLogs() {
    List<String> lines = run("yes 0123456789012345678901234567890123456789 | head -c 3000000; echo; echo the-end");
    int end = lines.indexOf("the-end");
    assertTrue(end >= 0, "lost the end: " + lines.subList(Math.max(0, lines.size() - 3), lines.size()));
    assertTrue(lines.get(end + 1).startsWith("Main child exited normally with code: 0"), lines.get(end + 1));
  }

  @Test
  void outputWrittenJustBeforeTheExitIsInTheLogsBeforeTheExitLine() {
    List<String> lines = run("for i in 1 2 3; do echo line-$i; done; printf no-newline");
    int last = lines.indexOf("no-newline");
    assertTrue(lines.indexOf("line-1") < lines.indexOf("line-3") && lines.indexOf("line-3") < last, lines.toString());
    assertTrue(lines.get(last + 1).startsWith("Main child exited normally with code: 0"), lines.toString());
  }
}
