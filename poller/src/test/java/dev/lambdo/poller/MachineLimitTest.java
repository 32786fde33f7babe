package dev.lambdo.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

class MachineLimitTest {
  /** A server count that lists this poller's starts only after a few counts, as a lagging store does. */
  private static final class LaggingCount implements RunningBatches {
    private final Deque<Integer> listedAfter = new ArrayDeque<>();
    int othersRunning;
    int counts;

    @Override
    public void started(String workflowId) {
      listedAfter.add(counts + 3);
    }

    @Override
    public int unseen() {
      return (int) listedAfter.stream().filter(at -> at > counts).count();
    }

    @Override
    public int count() {
      counts++;
      return othersRunning + listedAfter.size();
    }
  }

  @Test
  void roomIsTheLimitLessWhatRuns() {
    LaggingCount count = new LaggingCount();
    count.othersRunning = 3;
    assertEquals(2, new MachineLimit(5, count).room());
    count.othersRunning = 9;
    assertEquals(0, new MachineLimit(5, count).room(), "never negative");
  }

  @Test
  void admitsNothingNewUntilTheServerListsWhatItAdmittedBefore() throws Exception {
    LaggingCount count = new LaggingCount();
    MachineLimit limit = new MachineLimit(10, count);
    List.of("a", "b").forEach(limit::admitted);
    assertTrue(limit.hasUnseen());

    int room = limit.settledRoom();

    assertEquals(8, room);
    assertEquals(0, count.unseen(), "returned only once both starts were listed");
    assertTrue(count.counts >= 3, "counted again while waiting: " + count.counts);
  }

  @Test
  void aLimitBelowOneIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MachineLimit(0, new LaggingCount()));
    assertEquals("limit must be >= 1, was 0", e.getMessage());
  }
}
