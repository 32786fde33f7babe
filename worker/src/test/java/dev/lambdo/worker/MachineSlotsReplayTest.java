package dev.lambdo.worker;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.WorkflowReplayer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Replays a recorded history of the machine slots workflow (two batches, one slot: grant, wait,
 * release, grant) against today's {@link MachineSlotsImpl}. Re-record with
 * {@code ./mvnw -pl worker test -Dtest=BatchWorkflowTest -Dlambdo.recordHistories=true}.
 */
class MachineSlotsReplayTest {
  static final Path HISTORIES = Path.of("src/test/resources/histories/slots");

  @Test
  void grantAndReleaseReplaysWithoutNondeterminism() throws Exception {
    Path history = HISTORIES.resolve("grant-and-release.json");
    assertTrue(Files.isRegularFile(history), "recorded history " + history);
    WorkflowReplayer.replayWorkflowExecution(WorkflowExecutionHistory.fromJson(Files.readString(history)),
        MachineSlotsImpl.class);
  }
}
