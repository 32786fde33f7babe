package dev.lambdo.devkit.emulator.spawn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpawnerTest {
  @TempDir Path dir;
  private Spawner spawner;

  @BeforeEach
  void start() throws IOException {
    spawner = new Spawner();
  }

  @AfterEach
  void stop() {
    spawner.close();
  }

  @Test
  void aProcessRunsWithExactlyItsEnvInItsDirectoryAndItsOutputGoesToTheFile() throws Exception {
    Path out = dir.resolve("out.log");
    Spawned p = spawner.spawn(List.of("/bin/sh", "-c", "echo $GREETING from $(pwd); echo oops >&2; exit 3"),
        Map.of("GREETING", "hello"), dir, out);
    assertEquals(3, p.exit().get(10, TimeUnit.SECONDS));
    assertEquals(List.of("hello from " + dir.toRealPath(), "oops"), Files.readAllLines(out));
    assertNotEquals(ProcessHandle.current().pid(), p.pid());
  }

  @Test
  void aProcessEndedByASignalExitsWith128PlusItsNumber() throws Exception {
    Spawned p = spawner.spawn(List.of("/bin/sleep", "30"), Map.of(), dir, dir.resolve("out.log"));
    assertTrue(p.isAlive());
    ProcessHandle.of(p.pid()).orElseThrow().destroyForcibly();
    assertEquals(128 + 9, p.exit().get(10, TimeUnit.SECONDS));
    assertFalse(p.isAlive());
  }

  @Test
  void aProgramThatCannotStartIsRefusedWithTheReason() {
    IOException refused = assertThrows(IOException.class,
        () -> spawner.spawn(List.of("/no/such/program"), Map.of(), dir, dir.resolve("out.log")));
    assertTrue(refused.getMessage().contains("/no/such/program"), refused.getMessage());
  }

  @Test
  void whenTheSpawnerStopsWhatItStartedStopsToo() throws Exception {
    Spawned p = spawner.spawn(List.of("/bin/sleep", "30"), Map.of(), dir, dir.resolve("out.log"));
    spawner.close();
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertFalse(ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false), "still running: " + p.pid());
  }
}
