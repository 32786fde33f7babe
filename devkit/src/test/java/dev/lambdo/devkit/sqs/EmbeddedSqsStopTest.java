package dev.lambdo.devkit.sqs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lambdo.devkit.e2e.AppProcess;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Ctrl-C of {@code ./lambdo dev} stops the embedded SQS without a warning on the way out. */
class EmbeddedSqsStopTest {
  @Test
  void closedFromAShutdownHookItStopsQuietly(@TempDir Path dir) throws Exception {
    try (AppProcess sqs = AppProcess.ofMain("sqs", StoppedByHookMain.class, List.of(), Map.of(), dir)) {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (!sqs.log().contains("SQS on") && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(sqs.log().contains("SQS on"), sqs.log());

      sqs.stop();

      String log = sqs.log();
      assertTrue(log.contains("SQS closed"), log);
      assertFalse(log.contains("addJvmShutdownHook"), log);
    }
  }
}
