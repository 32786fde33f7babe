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

    int quickCounts;

    /** Every start counted, listed or not: never fewer than run. */
    @Override
    public int quickCount() {
      quickCounts++;
      return othersRunning + listedAfter.size();
    }

    @Override
    public int unconfirmed() {
      return listedAfter.size();
    }
  }

  /**
   * Telling which starts the server lists is its own query, and on a loaded server the dearest
   * of a round: far from the limit the cheap count, which counts each of them as running, will do.
   */
  @Test
  void farFromTheLimitTheCountDoesNotAskWhichStartsTheServerListsYet() {
    LaggingCount count = new LaggingCount();
    MachineLimit limit = new MachineLimit(50, count);
    limit.admitted("a");
    limit.admitted("b");
    assertEquals(48, limit.room(limit.maxUnseen() - 2));
    assertEquals(1, count.quickCounts);
    assertEquals(0, count.counts);
  }

  /**
   * A round whose batches the unlisted allowance would cut short (four admissions unlisted, ten
   * batches in hand, an allowance of ten) asks which starts the server lists, and admits them all:
   * the quick count alone admitted six, and the other four waited a whole round, its count included.
   */
  @Test
  void aRoundTheUnlistedAllowanceWouldCutShortAsksWhichTheServerListsFirst() throws Exception {
    ListedWhenAsked count = new ListedWhenAsked();
    MachineLimit limit = new MachineLimit(50, count);
    for (int i = 0; i < 4; i++) {
      limit.admitted("earlier-" + i);
    }
    int room = limit.room(MachineLimit.MIN_UNSEEN);
    assertEquals(1, count.counts, "asked which starts the server lists");
    assertEquals(0, count.quickCounts);
    assertEquals(46, room);
    assertEquals(limit.maxUnseen(), limit.admissible(room));
  }

  /** The server lists every start by the time anyone asks which it lists. */
  private static final class ListedWhenAsked implements RunningBatches {
    private final java.util.Set<String> unlisted = new java.util.HashSet<>();
    private int started;
    int counts;
    int quickCounts;

    @Override
    public void started(String workflowId) {
      unlisted.add(workflowId);
      started++;
    }

    @Override
    public int unseen() {
      return unlisted.size();
    }

    @Override
    public int count() {
      counts++;
      unlisted.clear();
      return started;
    }

    @Override
    public int quickCount() {
      quickCounts++;
      return started;
    }
  }

  @Test
  void nearTheLimitTheCountAsksAgainWhichStartsTheServerLists() {
    LaggingCount count = new LaggingCount();
    count.othersRunning = 45;
    MachineLimit limit = new MachineLimit(50, count);
    limit.admitted("a");
    assertEquals(4, limit.room(1));
    assertEquals(1, count.counts, "counted exactly: the room left is less than one round's admissions");
  }

  @Test
  void withTheUnlistedAllowanceUsedUpTheCountAsksAgain() {
    LaggingCount count = new LaggingCount();
    MachineLimit limit = new MachineLimit(2000, count);
    for (int i = 0; i < limit.maxUnseen(); i++) {
      limit.admitted("s-" + i);
    }
    limit.room(1);
    assertEquals(1, count.counts);
  }

  @Test
  void roomIsTheLimitLessWhatRuns() {
    LaggingCount count = new LaggingCount();
    count.othersRunning = 3;
    assertEquals(2, new MachineLimit(5, count).room(1));
    count.othersRunning = 9;
    assertEquals(0, new MachineLimit(5, count).room(1), "never negative");
  }

  @Test
  void keepsAtMostOneReceivesWorthOfAdmissionsTheServerDoesNotListYet() throws Exception {
    LaggingCount count = new LaggingCount();
    MachineLimit limit = new MachineLimit(50, count);
    for (int i = 0; i < 3; i++) {
      limit.admitted("early-" + i);
    }
    assertEquals(limit.maxUnseen() - 3, limit.admissible(limit.room(1)), "room for seven more unlisted");

    for (int i = 3; i < limit.maxUnseen(); i++) {
      limit.admitted("later-" + i);
    }
    int before = count.counts;
    int admissible = limit.admissible(limit.room(1));

    assertTrue(count.unseen() < limit.maxUnseen(), "returned only once the server listed some");
    assertTrue(count.counts - before >= 2, "counted again while waiting");
    assertEquals(limit.maxUnseen() - count.unseen(), admissible);
    assertTrue(admissible > 0);
  }

  @Test
  void aLargeLimitAllowsFivePercentUnlisted() {
    assertEquals(10, new MachineLimit(50, new LaggingCount()).maxUnseen());
    assertEquals(100, new MachineLimit(2000, new LaggingCount()).maxUnseen());
  }

  @Test
  void aLimitBelowOneIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new MachineLimit(0, new LaggingCount()));
    assertEquals("limit must be >= 1, was 0", e.getMessage());
  }
}
